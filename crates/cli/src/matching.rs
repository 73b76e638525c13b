//! `chokepoint match` — owned by the screening work (issue 3).
#[derive(clap::Args)]
pub struct MatchArgs {
    pub name1: Option<String>,
    pub name2: Option<String>,
}
pub fn run(_args: MatchArgs) -> anyhow::Result<u8> {
    anyhow::bail!("match: not implemented yet")
}
