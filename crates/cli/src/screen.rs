//! `chokepoint screen` — owned by the screening work (issue 3).
#[derive(clap::Args)]
pub struct ScreenArgs {
    /// Name to screen.
    pub name: Option<String>,
}
pub fn run(_args: ScreenArgs) -> anyhow::Result<u8> {
    anyhow::bail!("screen: not implemented yet")
}
