//! `chokepoint lists` — owned by the list-store work (issue 3).
#[derive(clap::Subcommand)]
pub enum ListsCommand {
    /// Show the loaded lists.
    List,
}
pub fn run(_cmd: ListsCommand) -> anyhow::Result<u8> {
    anyhow::bail!("lists: not implemented yet")
}
