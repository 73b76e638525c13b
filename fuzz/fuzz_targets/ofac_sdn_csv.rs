//! OFAC SDN CSV set: the input is split at the first two 0x00 bytes into sdn.csv, alt.csv and
//! add.csv, so the joins are exercised too.
#![no_main]
use chokepoint_lists::{parse_files, Format, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let mut files = vec![SourceFile::new("sdn.csv", parts.next().unwrap_or_default())];
    if let Some(alt) = parts.next() {
        files.push(SourceFile::new("alt.csv", alt));
    }
    if let Some(add) = parts.next() {
        files.push(SourceFile::new("add.csv", add));
    }
    let _ = parse_files(Format::OfacCsv, "fuzz", &files);
});
