//! The `point-break` binary: parse the command line, set up logging, run the command, and turn
//! its outcome into one line on stderr and an exit code.

use clap::Parser;
use point_break::cli::{Cli, Command};
use point_break::exit::Exit;
use point_break::{cmd, logging};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.verbose, cli.quiet);

    let outcome = match &cli.command {
        Command::Merge(args) => cmd::merge::run(args),
        Command::Search(args) => cmd::search::run(args, cli.quiet),
        Command::Batch(args) => match cmd::batch::run(args, cli.quiet) {
            Ok(Exit::Ok) => Ok(()),
            Ok(exit) => return exit.into(),
            Err(e) => Err(e),
        },
        Command::Doctor(args) => match cmd::doctor::run(args) {
            Ok(exit) => return exit.into(),
            Err(e) => Err(e),
        },
        Command::Completions(args) => cmd::completions::run(args),
        Command::Man(args) => cmd::completions::man(args),
        Command::Schema => cmd::schema::run(),
    };

    match outcome {
        Ok(()) => Exit::Ok.into(),
        Err(e) => {
            let exit = e.exit();
            match e.hint() {
                Some(hint) => point_break::say!("point-break: {e}; {hint}"),
                None => point_break::say!("point-break: {e}"),
            }
            exit.into()
        }
    }
}
