//! CSL CSV, with the official header in front so that rows reach the mapping code.
#![no_main]
use chokepoint_lists::{footnotes, parse_files, Format, SourceFile};
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\r\n";

fuzz_target!(|data: &[u8]| {
    let mut bytes = HEADER.to_vec();
    bytes.extend_from_slice(data);
    let _ = parse_files(Format::CslCsv, "fuzz", &[SourceFile::new("consolidated.csv", bytes)]);
    let _ = parse_files(Format::CslCsv, "fuzz", &[SourceFile::new("consolidated.csv", data)]);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = footnotes::parse(text);
    }
});
