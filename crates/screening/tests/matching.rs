//! Outcome tests for the complaints the issue names, and property tests over arbitrary input.

use chokepoint_lists::{EntityType, Identifier, ListEntry, Name, NameKind};
use chokepoint_screening::{
    match_names, Decision, Method, Query, Schema, Screener, DEFAULT_THRESHOLD,
};
use proptest::prelude::*;

fn entry(id: &str, t: EntityType, names: &[&str]) -> ListEntry {
    ListEntry {
        source: "test".into(),
        sub_list: Some("Entity List".into()),
        id: id.into(),
        entity_type: t,
        names: names
            .iter()
            .enumerate()
            .map(|(i, n)| Name {
                full: n.to_string(),
                kind: if i == 0 {
                    NameKind::Primary
                } else {
                    NameKind::Alias
                },
                script: None,
            })
            .collect(),
        addresses: vec![],
        countries: vec![],
        identifiers: vec![],
        dates_of_birth: vec![],
        programs: vec![],
        licence: None,
        remarks: None,
        source_url: None,
    }
}

/// A small list with many corporations, so "CORP" is common, plus the names the tests look for.
fn screener() -> Screener {
    let mut e = vec![
        entry("argument", EntityType::Organization, &["JSC ARGUMENT"]),
        entry(
            "qaida",
            EntityType::Organization,
            &["AL QAIDA", "Al-Qa'ida"],
        ),
        entry("zte", EntityType::Organization, &["ZTE Corporation"]),
        entry(
            "putin",
            EntityType::Person,
            &["PUTIN, Vladimir Vladimirovich"],
        ),
        entry("hassan", EntityType::Person, &["Mohamed Ali Hassan"]),
        entry("xi", EntityType::Person, &["Xi Jinping"]),
        entry("vessel", EntityType::Vessel, &["NORTHERN STAR"]),
    ];
    let mut with_id = entry(
        "ided",
        EntityType::Organization,
        &["Completely Different Trading LLC"],
    );
    with_id.identifiers.push(Identifier {
        scheme: "registration".into(),
        value: "RU-1027700132195".into(),
        country: None,
    });
    e.push(with_id);
    for (i, n) in [
        "ACME", "GLOBEX", "INITECH", "UMBRELLA", "HOOLI", "VANDELAY", "STARK", "WAYNE",
    ]
    .iter()
    .enumerate()
    {
        e.push(entry(
            &format!("corp{i}"),
            EntityType::Organization,
            &[&format!("{n} CORP"), &format!("{n} LTD")],
        ));
    }
    Screener::new(e)
}

fn top(s: &Screener, q: &Query) -> Option<(String, f32)> {
    s.screen(q).first().map(|h| (h.entry.id.clone(), h.score))
}

#[test]
fn generic_legal_tokens_do_not_inflate() {
    let s = screener();
    // a different company sharing only the legal form finds nothing
    assert!(s.screen(&Query::name("Zenith Corp")).is_empty());
    assert!(s.screen(&Query::name("CORP")).is_empty());
    assert!(s.screen(&Query::name("LTD LLC")).is_empty());
    let (score, _) = match_names("ACME CORP", "ZENITH CORP", Schema::Company);
    assert!(score < 0.1, "{score}");
    // and the legal form does not hold a true match back
    let (id, score) = top(&s, &Query::name("Acme Limited")).unwrap();
    assert_eq!(id, "corp0");
    assert!(score >= DEFAULT_THRESHOLD, "{score}");
}

#[test]
fn joined_and_split_tokens() {
    let s = screener();
    let hits = s.screen(&Query::name("JSCARGUMENT"));
    assert_eq!(hits[0].entry.id, "argument");
    assert_eq!(hits[0].decision, Decision::Match);
    assert!(hits[0]
        .explanation
        .name
        .tokens
        .iter()
        .any(|t| t.method == Some(Method::Split)));
    let hits = s.screen(&Query::name("Alqaida"));
    assert_eq!(hits[0].entry.id, "qaida");
    assert!(hits[0].score >= DEFAULT_THRESHOLD);
}

#[test]
fn short_true_match_scores_high() {
    let s = screener();
    let (id, score) = top(&s, &Query::name("ZTE")).unwrap();
    assert_eq!(id, "zte");
    assert!(score >= 0.95, "{score}");
}

#[test]
fn typos_and_order() {
    let s = screener();
    let (id, score) = top(&s, &Query::name("Hasan, Mohamed Ali")).unwrap();
    assert_eq!(id, "hassan");
    assert!(score >= DEFAULT_THRESHOLD, "{score}");
    let (id, _) = top(&s, &Query::name("Vladmir Putin")).unwrap();
    assert_eq!(id, "putin");
}

#[test]
fn cross_script_without_external_services() {
    let s = screener();
    for (q, want) in [
        ("Владимир Путин", "putin"),
        ("محمد علي حسن", "hassan"),
        ("习近平", "xi"),
    ] {
        let hits = s.screen(&Query::name(q));
        assert_eq!(hits.first().map(|h| h.entry.id.as_str()), Some(want), "{q}");
        assert_eq!(hits[0].decision, Decision::Match, "{q}: {}", hits[0].score);
    }
}

#[test]
fn entity_type_is_respected() {
    let s = screener();
    let q = Query {
        name: "Northern Star".into(),
        schema: Schema::Person,
        ..Query::default()
    };
    assert!(s.screen(&q).is_empty());
    let q = Query {
        name: "Northern Star".into(),
        schema: Schema::Vessel,
        ..Query::default()
    };
    assert_eq!(top(&s, &q).unwrap().0, "vessel");
}

#[test]
fn identifier_decides() {
    let s = screener();
    let q = Query {
        name: "Some Other Name".into(),
        identifiers: vec!["ru 1027700132195".into()],
        ..Query::default()
    };
    let hits = s.screen(&q);
    assert_eq!(hits[0].entry.id, "ided");
    assert_eq!(hits[0].score, 1.0);
}

#[test]
fn date_of_birth_moves_the_score() {
    let mut e = entry("p", EntityType::Person, &["Abdul Rahman Yasin"]);
    e.dates_of_birth.push("1960-04-10".into());
    let s = Screener::new(vec![e]);
    let base = top(&s, &Query::name("Abdul Rahman Yasin")).unwrap().1;
    let same = top(
        &s,
        &Query {
            name: "Abdul Rahman Yasin".into(),
            date_of_birth: Some("1960-04-10".into()),
            ..Query::default()
        },
    )
    .unwrap()
    .1;
    let far = s.screen(&Query {
        name: "Abdul Rahman Yasin".into(),
        date_of_birth: Some("1990-01-01".into()),
        ..Query::default()
    });
    assert!(same > base - 1e-6);
    assert!(far.first().map(|h| h.score).unwrap_or(0.0) < base);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_input_never_panics_and_scores_are_bounded(a in any::<String>(), b in "\\PC{0,60}") {
        let (s1, _) = match_names(&a, &b, Schema::Any);
        prop_assert!((0.0..=1.0).contains(&s1));
        let (s2, _) = match_names(&b, &a, Schema::Any);
        prop_assert!((s1 - s2).abs() < 1e-4, "asymmetric: {} vs {}", s1, s2);
    }

    #[test]
    fn bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        let s = screener();
        for h in s.screen(&Query::name(text.as_ref())) {
            prop_assert!((0.0..=1.0).contains(&h.score));
        }
    }

    #[test]
    fn a_name_matches_itself_maximally(name in "[A-Za-z]{2,12}( [A-Za-z]{2,12}){0,3}") {
        let (s, _) = match_names(&name, &name, Schema::Any);
        // only names made entirely of legal forms / stop words score 0 against themselves
        let all_generic = chokepoint_screening::normalize::normalize(&name).iter()
            .all(|t| !chokepoint_screening::normalize::classify(&t.text).is_evidence());
        if all_generic { prop_assert_eq!(s, 0.0) } else { prop_assert!((s - 1.0).abs() < 1e-5, "{}", s) }
    }

    #[test]
    fn long_and_mixed_script_names(parts in proptest::collection::vec("[a-zA-Zа-яА-Я\u{0600}-\u{06FF}\u{4E00}-\u{4E50}\u{AC00}-\u{AC50}\u{30A0}-\u{30FF}]{1,20}", 0..40)) {
        let name = parts.join(" ");
        let (s, _) = match_names(&name, &name, Schema::Any);
        prop_assert!((0.0..=1.0).contains(&s));
        let _ = screener().screen(&Query::name(name));
    }
}
