//! Shipment parsing: units, catalog overrides, and never a panic on any input.

use chokepoint_model::{parse_shipment, CatalogLookup, Format, NoCatalog, Vocabulary};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn vocab() -> Vocabulary {
    Vocabulary::from_yaml(
        include_str!("../../../rules/vocabulary.yaml"),
        "vocabulary.yaml",
    )
    .unwrap()
}

const BASE: &str = r#"{"ship_from": "us", "destination": "HK", "item": {"kind": "integrated_circuit", "memory_bandwidth": "3.35 TB/s", "applicable_die_area": {"value": 8.14, "unit": "cm2"}, "interconnect_bandwidth": 900}}"#;

#[test]
fn units_are_converted_to_the_canonical_unit_and_codes_upper_cased() {
    let s = parse_shipment(BASE, Format::Json, "t.json", &vocab(), &NoCatalog).unwrap();
    assert_eq!(s.ship_from, "US");
    assert_eq!(s.destination, "HK");
    assert_eq!(s.item.facts["memory_bandwidth"], json!(3350.0));
    assert!((s.item.facts["applicable_die_area"].as_f64().unwrap() - 814.0).abs() < 1e-9);
    assert_eq!(s.item.facts["interconnect_bandwidth"], json!(900.0));
    assert!(s.end_uses.is_none(), "undeclared end uses stay unknown");
}

struct OneItem;
impl CatalogLookup for OneItem {
    fn lookup(&self, id: &str) -> Option<(String, Map<String, Value>)> {
        (id == "chip").then(|| {
            let m = json!({"tpp": 5000, "origin": "TW"});
            (
                "integrated_circuit".to_string(),
                m.as_object().unwrap().clone(),
            )
        })
    }
}

#[test]
fn typed_parameters_override_the_catalog() {
    let text =
        r#"{"ship_from": "US", "destination": "CN", "item": {"catalog": "chip", "tpp": 4000}}"#;
    let s = parse_shipment(text, Format::Json, "t.json", &vocab(), &OneItem).unwrap();
    assert_eq!(s.item.kind, "integrated_circuit");
    assert_eq!(s.item.facts["tpp"], json!(4000.0));
    assert_eq!(s.item.facts["origin"], json!("TW"));
    let e = parse_shipment(
        &text.replace("\"chip\"", "\"nope\""),
        Format::Json,
        "t.json",
        &vocab(),
        &OneItem,
    )
    .unwrap_err();
    assert_eq!(e.field, "item.catalog");
}

#[test]
fn a_dimensionless_parameter_refuses_a_unit_and_a_dimensioned_one_needs_one() {
    let e = parse_shipment(
        &BASE.replace("\"interconnect_bandwidth\": 900", "\"tpp\": \"5000 GB/s\""),
        Format::Json,
        "t.json",
        &vocab(),
        &NoCatalog,
    )
    .unwrap_err();
    assert_eq!(e.field, "item.tpp");
    let e = parse_shipment(
        &BASE.replace("\"3.35 TB/s\"", "\"3.35\""),
        Format::Json,
        "t.json",
        &vocab(),
        &NoCatalog,
    )
    .unwrap_err();
    assert_eq!(e.field, "item.memory_bandwidth");
    assert!(e.message.contains("unit"), "{}", e.message);
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let v = vocab();
        let _ = parse_shipment(&text, Format::Json, "f.json", &v, &NoCatalog);
        let _ = parse_shipment(&text, Format::Toml, "f.toml", &v, &NoCatalog);
    }

    #[test]
    fn arbitrary_parameter_values_never_panic(value in prop_oneof![
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,40}".prop_map(|s| json!(s)),
        any::<bool>().prop_map(|b| json!(b)),
        Just(json!(null)),
        Just(json!([1, {"bit_length": "x"}])),
        Just(json!({"value": "1", "unit": 3})),
    ], name in prop::sample::select(vec!["tpp", "memory_bandwidth", "performance", "origin", "ic_function", "non_planar_transistors", "quantity"])) {
        let mut v: Value = serde_json::from_str(BASE).unwrap();
        v["item"][name] = value;
        let _ = parse_shipment(&v.to_string(), Format::Json, "f.json", &vocab(), &NoCatalog);
    }
}
