//! `point-break completions SHELL` (clap_complete) and `point-break man [COMMAND]` (clap_mangen):
//! both are generated from the same clap definition as the parser, so they cannot drift from it.

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::Error;
use clap::CommandFactory;
use clap_complete::Shell;

/// The shells `completions` knows.
pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "elvish", "powershell"];

/// Prints the completion script for the shell.
pub fn run(args: &CompletionsArgs) -> Result<(), Error> {
    let shell = match args.shell.trim().to_ascii_lowercase().as_str() {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "elvish" => Shell::Elvish,
        "powershell" | "pwsh" => Shell::PowerShell,
        _ => {
            return Err(Error::Usage(format!(
                "invalid SHELL: {:?} is not a shell; use {}",
                args.shell,
                SHELLS.join(", ")
            )))
        }
    };
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "point-break", &mut out);
    crate::output::emit(None, &out)?;
    Ok(())
}

/// Prints the man page of point-break, or of one command as `point-break-COMMAND(1)`.
pub fn man(args: &ManArgs) -> Result<(), Error> {
    let mut out = Vec::new();
    page(args.command.as_deref(), &mut out)?;
    crate::output::emit(None, &out)?;
    Ok(())
}

/// Renders one man page into `out`.
pub fn page(command: Option<&str>, out: &mut Vec<u8>) -> Result<(), Error> {
    let mut top = Cli::command();
    top.build();
    let cmd = match command {
        None => top,
        Some(name) => {
            let names: Vec<String> = top
                .get_subcommands()
                .map(|s| s.get_name().to_owned())
                .filter(|n| n != "help")
                .collect();
            let sub = top.find_subcommand(name).cloned().ok_or_else(|| {
                Error::Usage(format!(
                    "invalid COMMAND: {name:?} is not a command; use {}",
                    names.join(", ")
                ))
            })?;
            let full = format!("point-break-{}", sub.get_name());
            sub.name(full.clone())
                .display_name(full)
                .bin_name(format!("point-break {name}"))
        }
    };
    clap_mangen::Man::new(cmd)
        .render(out)
        .map_err(|e| Error::Other(e.into()))
}
