//! The command line as the user types it. Values stay raw strings here and are checked into
//! typed queries by the commands, so every bad value gets one line naming its flag and exit 2.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{ArgAction, Args, Parser, Subcommand};
use std::ffi::OsStr;
use std::fmt;
use std::path::PathBuf;

/// Cash or miles? Compares American Airlines cash fares with AAdvantage award prices, flight by
/// flight, as cents per point.
#[derive(Debug, Parser)]
#[command(
    name = "point-break",
    version,
    about,
    long_about = None,
    propagate_version = true,
    args_override_self = true
)]
pub struct Cli {
    /// More logging on stderr: -v for debug with timings, -vv for trace. RUST_LOG overrides.
    #[arg(short, long, action = ArgAction::Count, global = true, display_order = 900)]
    pub verbose: u8,

    /// No progress display and only errors on stderr.
    #[arg(short, long, global = true, display_order = 901)]
    pub quiet: bool,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search AA for one route and day, in a real Firefox, and compare cash with miles.
    Search(SearchArgs),
    /// Compare two saved bodies (an Award and a Revenue answer), offline.
    Merge(MergeArgs),
    /// Search many routes and days on one warm browser; one JSON line per query.
    Batch(BatchArgs),
    /// Check that Firefox, geckodriver and the site work here; one line per check, with the fix
    /// for each failure.
    Doctor(DoctorArgs),
    /// Print a completion script for a shell.
    Completions(CompletionsArgs),
    /// Print a man page (roff) for point-break or one of its commands.
    Man(ManArgs),
    /// Print the JSON Schema of the `--format json` output.
    Schema,
}

/// What one search asks for.
#[derive(Debug, Args, Clone)]
pub struct QueryArgs {
    /// Origin airport or city code, e.g. LAX or NYC.
    #[arg(long, value_name = "IATA")]
    pub origin: String,

    /// Destination airport or city code.
    #[arg(long, value_name = "IATA")]
    pub destination: String,

    /// Departure day, YYYY-MM-DD: today up to 331 days ahead.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: String,
}

/// Party and cabin, shared by every command.
#[derive(Debug, Args, Clone)]
pub struct PartyArgs {
    /// Adults in the party, 1 to 9; points, cash and taxes are for the whole party.
    #[arg(long, value_name = "N", default_value = "1")]
    pub passengers: String,

    /// Cabin to compare: main, premium_economy, business or first.
    #[arg(long, value_name = "CABIN", default_value = "main")]
    pub cabin: String,
}

/// How to reach and drive the browser.
#[derive(Debug, Args, Clone)]
pub struct BrowserArgs {
    /// AA's site, or a stand-in for tests and demos.
    #[arg(
        long,
        value_name = "URL",
        env = "POINT_BREAK_BASE_URL",
        default_value = "https://www.aa.com"
    )]
    pub base_url: String,

    /// The geckodriver binary (default: found on PATH).
    #[arg(long, value_name = "PATH")]
    pub geckodriver: Option<PathBuf>,

    /// The Firefox binary (default: firefox, then firefox-esr, on PATH).
    #[arg(long, value_name = "PATH")]
    pub firefox: Option<PathBuf>,

    /// Use a running WebDriver server (a remote geckodriver or a Selenium Grid) instead of
    /// starting geckodriver.
    #[arg(long, value_name = "URL", conflicts_with = "geckodriver")]
    pub webdriver: Option<String>,

    /// Show the Firefox window instead of running headless.
    #[arg(long)]
    pub headed: bool,

    /// How long to wait for AA's answers, e.g. 60, 90s, 2m.
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub timeout: String,

    /// Send Firefox's traffic through a proxy: http://, https:// or socks5://, with an optional
    /// USER:PASSWORD@ before the host, e.g. socks5://me:secret@10.0.0.2:1080. The password is
    /// never printed or logged.
    #[arg(
        long,
        value_name = "URL",
        env = "POINT_BREAK_PROXY",
        hide_env_values = true
    )]
    pub proxy: Option<Secret>,
}

/// A flag value that may hold a password: `Debug` shows no user information.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl Secret {
    /// The value with everything before an `@` (user and password) replaced by `***`, keeping
    /// the scheme and the host: safe for messages and logs.
    pub fn redacted(&self) -> String {
        // Only a real scheme is kept: in `u:pw@h://` the text before `://` is user information.
        let scheme = self.0.split_once("://").map(|(s, _)| s).filter(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        match (scheme, self.0.rfind('@')) {
            (Some(scheme), Some(at)) => format!("{scheme}://***@{}", &self.0[at + 1..]),
            (None, Some(at)) => format!("***@{}", &self.0[at + 1..]),
            _ => self.0.clone(),
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Secret").field(&self.redacted()).finish()
    }
}

/// How results are filtered, sorted, judged and written; shared by `search`, `merge` and
/// `batch`.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format: json (the whole report; in batch one line per query), ndjson (one flight
    /// per line, each with the search), csv (a header row, one row per flight) or table (for
    /// people).
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "json",
        value_parser = Choices(&["json", "ndjson", "csv", "table"])
    )]
    pub format: String,

    /// Order of the flights: departure, cpp (best first), points, cash or duration; ties go by
    /// departure.
    #[arg(
        long,
        value_name = "KEY",
        default_value = "departure",
        value_parser = Choices(&["departure", "cpp", "points", "cash", "duration"])
    )]
    pub sort: String,

    /// Only flights without a connection.
    #[arg(long)]
    pub nonstop: bool,

    /// Only flights worth at least CPP cents per point, e.g. 1.8.
    #[arg(long, value_name = "CPP", allow_negative_numbers = true)]
    pub min_cpp: Option<String>,

    /// Only flights costing at most N miles for the party.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_points: Option<String>,

    /// Only flights with at most N connections.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_stops: Option<String>,

    /// What one AAdvantage mile is worth to you, in cents: each flight's verdict is "miles"
    /// when its cents per point beat it. The default, 1.5, sits in the middle of published
    /// valuations of AAdvantage miles (about 1.3 to 1.7 cents).
    #[arg(
        long,
        value_name = "CENTS",
        default_value = "1.5",
        allow_negative_numbers = true
    )]
    pub value_cpp: String,

    /// Table width in columns (default: $COLUMNS, else the terminal's; unlimited into a pipe or
    /// a file). A table too wide drops taxes, route, trip time, arrival and savings, in that
    /// order, before it wraps.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub width: Option<String>,

    /// Colour in the table: auto (when stdout is a terminal and NO_COLOR is unset), always or
    /// never.
    #[arg(
        long,
        value_name = "WHEN",
        default_value = "auto",
        value_parser = Choices(&["auto", "always", "never"])
    )]
    pub color: String,

    /// Write to FILE instead of stdout: replaced atomically by search and merge, appended to
    /// query by query by batch.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Takes any string, so that a bad value is reported later in one line naming its flag, while
/// `--help` and the shell completions still list the choices.
#[derive(Clone, Copy)]
pub struct Choices(pub &'static [&'static str]);

impl TypedValueParser for Choices {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(PossibleValue::new)))
    }
}

/// `point-break search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The route and day.
    #[command(flatten)]
    pub query: QueryArgs,

    /// Party and cabin.
    #[command(flatten)]
    pub party: PartyArgs,

    /// Browser and site.
    #[command(flatten)]
    pub browser: BrowserArgs,

    /// Save both raw answers and the requests into DIR, for `merge` or a bug report.
    #[arg(long, value_name = "DIR")]
    pub save_raw: Option<PathBuf>,

    /// Format, sort, filters, verdict and output file (last: they open the "Output" heading).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `point-break merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The saved Award answer (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub award: PathBuf,

    /// The saved Revenue answer (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub revenue: PathBuf,

    /// Party and cabin.
    #[command(flatten)]
    pub party: PartyArgs,

    /// Origin to report (default: from the bodies' responseMetadata).
    #[arg(long, value_name = "IATA")]
    pub origin: Option<String>,

    /// Destination to report (default: from the bodies).
    #[arg(long, value_name = "IATA")]
    pub destination: Option<String>,

    /// Date to report, YYYY-MM-DD (default: from the bodies).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Format, sort, filters, verdict and output file.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `point-break doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The browser and site to check, as `search` would use them.
    #[command(flatten)]
    pub browser: BrowserArgs,
}

/// `point-break completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(
        value_name = "SHELL",
        value_parser = Choices(&["bash", "zsh", "fish", "elvish", "powershell"])
    )]
    pub shell: String,
}

/// `point-break man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command to document (search, merge, doctor, ...); the whole tool when absent.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// `point-break batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Origins, comma-separated, e.g. NYC,BOS; each is paired with every other destination.
    #[arg(
        long,
        value_name = "IATA,...",
        required_unless_present = "input",
        conflicts_with = "input"
    )]
    pub origin: Option<String>,

    /// Destinations, comma-separated, e.g. LAX,MIA.
    #[arg(
        long,
        value_name = "IATA,...",
        required_unless_present = "input",
        conflicts_with = "input"
    )]
    pub destination: Option<String>,

    /// Days: YYYY-MM-DD, an inclusive range FROM..TO, or a comma-separated list of both.
    #[arg(
        long,
        value_name = "DAYS",
        required_unless_present = "input",
        conflicts_with = "input"
    )]
    pub date: Option<String>,

    /// Read the queries from FILE: CSV with the header origin,destination,date[,passengers,cabin]
    /// or JSON lines with those keys (told apart by extension, else by content).
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,

    /// Party and cabin: the defaults for rows that do not give them.
    #[command(flatten)]
    pub party: PartyArgs,

    /// Browser and site.
    #[command(flatten)]
    pub browser: BrowserArgs,

    /// Format, filters, sort, verdict and --output FILE. In batch, each query is appended to
    /// FILE as soon as it finishes; an existing FILE with lines is refused unless --resume or
    /// --force is given.
    #[command(flatten)]
    pub out: OutputArgs,

    /// Continue the --output FILE of an earlier run (format json): skip the queries answered
    /// there and search again those that failed (their old lines are dropped).
    #[arg(long, requires = "file")]
    pub resume: bool,

    /// Replace an existing --output FILE.
    #[arg(long, requires = "file", conflicts_with = "resume")]
    pub force: bool,

    /// Searches in flight at once, 1 to 8 (AA blocks clients with 10 or more).
    #[arg(long, value_name = "N", default_value = "2")]
    pub concurrency: String,

    /// Mean pause between the starts of two searches, with ±50 % jitter, e.g. 1s, 500ms, 0.
    #[arg(long, value_name = "DURATION", default_value = "1s")]
    pub delay: String,

    /// Renew the AA session (a fresh page load) after N searches; 0 never does.
    #[arg(long, value_name = "N", default_value = "75")]
    pub rotate_after: String,

    /// Pause after AA's bot defence blocks a search; a block after it ends the run.
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub cooldown: String,

    /// Hold an advisory lock on FILE for the whole run; a second run exits with code 12.
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn secrets_never_show_the_password() {
        for raw in [
            "http://u:s3cret@h:1",
            "u:s3cret@h:1",
            "u:s3cret@h://",
            "u:s3cret://x@h:1",
            "socks5://u:s3cret@[::1]:1080",
        ] {
            let shown = Secret(raw.into()).redacted();
            assert!(!shown.contains("s3cret"), "{raw} -> {shown}");
        }
        assert_eq!(Secret("http://u:p@h:1".into()).redacted(), "http://***@h:1");
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn choices_accept_anything_and_list_the_choices() {
        let cli = Cli::try_parse_from([
            "point-break",
            "merge",
            "--award",
            "a",
            "--revenue",
            "b",
            "--format",
            "xml",
        ])
        .unwrap();
        let Command::Merge(m) = cli.command else {
            panic!("merge")
        };
        assert_eq!(m.output.format, "xml");
        let cli = Cli::try_parse_from([
            "point-break",
            "merge",
            "--award",
            "a",
            "--revenue",
            "b",
            "-o",
            "out.csv",
        ])
        .unwrap();
        let Command::Merge(m) = cli.command else {
            panic!("merge")
        };
        assert_eq!(m.output.file, Some(PathBuf::from("out.csv")));
        let help = Cli::command()
            .find_subcommand_mut("merge")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(
            help.contains("[possible values: json, ndjson, csv, table]"),
            "{help}"
        );
    }

    #[test]
    fn secret_debug_hides_user_information() {
        let s = Secret("http://me:s3cret@proxy:3128".into());
        assert_eq!(format!("{s:?}"), "Secret(\"http://***@proxy:3128\")");
        assert!(!format!("{:?}", Secret("me:s3cret@proxy".into())).contains("s3cret"));
    }
}
