//! Run the AA stand-in on its own, for driving point-break or a browser by hand and for scripts.
//! Prints the base URL as the only stdout line, one line per request on stderr, and runs until
//! Ctrl-C or SIGTERM. Switch failure modes with `POST /__standin/mode`, read `GET /__standin/log`.

#[path = "../tests/support/standin.rs"]
mod standin;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: aa_standin [--port N] [--delay-ms N]";

fn main() -> ExitCode {
    let mut config = standin::Config {
        log_requests: true,
        ..standin::Config::default()
    };
    if let Err(message) = parse_args(std::env::args().skip(1), &mut config) {
        eprintln!("aa_standin: {message}\n{USAGE}");
        return ExitCode::from(2);
    }

    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("aa_standin: cannot build a tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Listen for signals before announcing the URL: a script may stop us as soon as it reads it.
    let stop = match rt.block_on(async { Stop::listen() }) {
        Ok(stop) => stop,
        Err(e) => {
            eprintln!("aa_standin: cannot listen for signals: {e}");
            return ExitCode::FAILURE;
        }
    };

    let server = standin::StandIn::start(config);
    let mut stdout = std::io::stdout();
    // Scripts read this one line to learn the port; flush so a pipe sees it at once.
    if writeln!(stdout, "{}", server.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }

    rt.block_on(stop.wait());
    drop(server);
    ExitCode::SUCCESS
}

fn parse_args(
    mut args: impl Iterator<Item = String>,
    config: &mut standin::Config,
) -> Result<(), String> {
    while let Some(flag) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = args.next().ok_or(format!("{name} needs a value"))?;
            value
                .parse()
                .map_err(|_| format!("{name}: not a number: {value:?}"))
        };
        match flag.as_str() {
            "--port" => {
                config.port = u16::try_from(number("--port")?).map_err(|_| "--port: too big")?
            }
            "--delay-ms" => config.delay = Duration::from_millis(number("--delay-ms")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(())
}

/// Ctrl-C or (on Unix) SIGTERM, registered up front.
struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    fn listen() -> std::io::Result<Stop> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Stop {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Stop {})
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            let Stop {
                mut interrupt,
                mut terminate,
            } = self;
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
