//! UN consolidated XML.
#![no_main]
use chokepoint_lists::{parse_files, Format, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_files(Format::UnXml, "fuzz", &[SourceFile::new("consolidated.xml", data)]);
});
