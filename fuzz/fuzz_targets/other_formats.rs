//! The remaining single-file formats; the first byte picks the format.
#![no_main]
use chokepoint_lists::{parse_files, Format, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let format = match pick % 6 {
        0 => Format::CslJson,
        1 => Format::UkCsv,
        2 => Format::UkOds,
        3 => Format::DplTxt,
        4 => Format::RegistryJson,
        _ => Format::FtmJson,
    };
    let _ = parse_files(format, "fuzz", &[SourceFile::new("input", rest)]);
});
