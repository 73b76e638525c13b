//! Snapshot tests of what a compliance officer reads: the human report and the JSON contract for
//! a handful of shipments. A change in wording, reasons or citations shows up here for review
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test` and read the diff).

use std::path::Path;
use std::process::Command;

fn check(example: &str, extra: &[&str]) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let run = |json: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_chokepoint"));
        c.current_dir(&root)
            .env_remove("CHOKEPOINT_RULES")
            .env_remove("CHOKEPOINT_CATALOG")
            // Hermetic: no list store, so the parties are not screened unless a test says so.
            .env("CHOKEPOINT_STORE", "/nonexistent/chokepoint-store");
        c.arg("check")
            .arg(format!("examples/{example}"))
            .args(extra);
        if json {
            c.arg("--json");
        }
        let out = c.output().expect("run chokepoint");
        assert!(
            matches!(out.status.code(), Some(0) | Some(3)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        redact(&String::from_utf8_lossy(&out.stdout))
    };
    (run(false), run(true))
}

/// The rulebook's content hash changes with every rule edit; the rest must not drift unseen.
fn redact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("sha256:") {
        out.push_str(&rest[..i]);
        out.push_str("sha256:[rulebook]");
        rest = &rest[i + 7..];
        rest = rest.trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

macro_rules! snapshot {
    ($name:ident, $example:expr $(, $arg:expr)*) => {
        #[test]
        fn $name() {
            let (human, json) = check($example, &[$($arg),*]);
            insta::assert_snapshot!(concat!(stringify!($name), "_human"), human);
            insta::assert_snapshot!(concat!(stringify!($name), "_json"), json);
        }
    };
}

snapshot!(h100_to_china_2024, "h100-to-china-datacenter.toml");
snapshot!(
    h100_to_china_2023_oct_2022_rule,
    "h100-to-china-datacenter.toml",
    "--date",
    "2023-03-01"
);
snapshot!(
    h100_to_china_as_written_2026,
    "h100-to-china-datacenter.toml",
    "--date",
    "2026-06-01",
    "--posture",
    "as-written"
);
snapshot!(
    nl_arf_scanner_to_china,
    "nl-arf-immersion-scanner-to-china.toml"
);
snapshot!(jp_ald_tool_to_china_fab, "jp-ald-tool-to-china-fab.toml");
snapshot!(cn_gallium_to_us, "cn-gallium-to-us.toml");
