//! Exit codes (documented in README.md): 0 decided, 1 internal error, 2 bad input, 3 undetermined.

use std::process::ExitCode;

/// The input was refused: a file, field or value is wrong. Exit code 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BadInput {}

pub const DECIDED: u8 = 0;
pub const INTERNAL: u8 = 1;
pub const BAD_INPUT: u8 = 2;
pub const UNDETERMINED: u8 = 3;

/// Turns a command's result into the process exit code, printing errors to stderr.
pub fn finish(result: anyhow::Result<u8>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            if err.downcast_ref::<BadInput>().is_some() {
                ExitCode::from(BAD_INPUT)
            } else {
                ExitCode::from(INTERNAL)
            }
        }
    }
}
