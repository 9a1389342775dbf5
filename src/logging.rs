//! Logging to stderr with `tracing`: warnings by default, `-v` debug with elapsed times, `-vv`
//! trace, `RUST_LOG` overriding both. Stdout carries only results.

use tracing_subscriber::EnvFilter;

/// Installs the stderr logger once, at start-up.
pub fn init(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "point_break=debug,warn",
        (false, _) => "point_break=trace,fantoccini=debug,info",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour only for a person reading a terminal, never in a log file or a pipe.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(verbose > 1);
    if verbose > 0 {
        builder
            .with_timer(tracing_subscriber::fmt::time::uptime())
            .init();
    } else {
        builder.without_time().init();
    }
}
