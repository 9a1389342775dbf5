//! The shared output flags (`--format`, `--sort`, the filters, `--value-cpp`, `--width`,
//! `--color`, `--output`) checked into values that cannot be wrong, and the one function that
//! turns a report into the bytes the user asked for.

use crate::cli::OutputArgs;
use crate::core::Report;
use crate::error::Error;
use crate::render::{self, Format, TableOptions};
use crate::select::{self, Filters, Selection, SortKey};
use rust_decimal::Decimal;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The output flags, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Filters, sort and valuation.
    pub selection: Selection,
    /// The format.
    pub format: Format,
    /// Table width and colour.
    pub table: TableOptions,
    /// Where to write; `None` (or `-`) is stdout.
    pub file: Option<PathBuf>,
}

impl Output {
    /// Checks every output flag; a bad value is [`Error::Usage`] naming its flag.
    pub fn check(args: &OutputArgs) -> Result<Output, Error> {
        let format: Format = args.format.parse().map_err(|m| usage("--format", m))?;
        let sort: SortKey = args.sort.parse().map_err(|m| usage("--sort", m))?;
        let filters = Filters {
            nonstop: args.nonstop,
            min_cpp: args
                .min_cpp
                .as_deref()
                .map(|t| cents(t, "--min-cpp", true))
                .transpose()?,
            max_points: args
                .max_points
                .as_deref()
                .map(|t| count(t, "--max-points"))
                .transpose()?,
            max_stops: args
                .max_stops
                .as_deref()
                .map(|t| count(t, "--max-stops"))
                .transpose()?,
        };
        let value_cpp = cents(&args.value_cpp, "--value-cpp", false)?;

        let to_stdout = args.file.as_deref().is_none_or(|p| p.as_os_str() == "-");
        if let Some(file) = args.file.as_deref().filter(|_| !to_stdout) {
            check_writable_path(file, "--output")?;
        }
        let terminal = to_stdout && std::io::stdout().is_terminal();
        let width = match &args.width {
            Some(w) => Some(width(w, "--width")?),
            // $COLUMNS is a hint, not a flag: ignore it when it is not a width.
            None => std::env::var("COLUMNS")
                .ok()
                .and_then(|c| width(&c, "COLUMNS").ok()),
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = color(&args.color, terminal, no_color)?;
        Ok(Output {
            selection: Selection {
                sort,
                filters,
                value_cpp,
            },
            format,
            table: TableOptions {
                width,
                terminal,
                color,
            },
            file: args.file.clone(),
        })
    }

    /// The report filtered, sorted, judged and rendered.
    pub fn render(&self, report: &Report) -> Vec<u8> {
        let shown = select::apply(report, &self.selection);
        render::render(&shown, self.format, &self.table)
    }

    /// Renders `report` and writes it to stdout or, atomically, to the file.
    pub fn write(&self, report: &Report) -> Result<(), Error> {
        crate::output::emit(self.file.as_deref(), &self.render(report))?;
        Ok(())
    }
}

/// Checked before any search runs, so a typo in a path does not cost a search at AA.
pub fn check_writable_path(file: &std::path::Path, flag: &str) -> Result<(), Error> {
    if file.is_dir() {
        return Err(usage(flag, format!("{} is a directory", file.display())));
    }
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        return Err(usage(
            flag,
            format!("the directory {} does not exist", dir.display()),
        ));
    }
    Ok(())
}

fn usage(flag: &str, message: impl std::fmt::Display) -> Error {
    Error::Usage(format!("invalid {flag}: {message}"))
}

/// `--color`: `auto` colours only a terminal, and only when `NO_COLOR` is unset or empty
/// (<https://no-color.org>); `always` and `never` override both.
fn color(when: &str, terminal: bool, no_color: bool) -> Result<bool, Error> {
    match when.trim().to_ascii_lowercase().as_str() {
        "auto" => Ok(terminal && !no_color),
        "always" => Ok(true),
        "never" => Ok(false),
        _ => Err(usage(
            "--color",
            format!("{when:?} is not a choice; use auto, always or never"),
        )),
    }
}

/// Cents per point: a plain decimal, not negative (and above zero unless `zero_ok`), at most 100.
fn cents(text: &str, flag: &str, zero_ok: bool) -> Result<Decimal, Error> {
    let value: Decimal = text.trim().parse().map_err(|_| {
        usage(
            flag,
            format!("{text:?} is not a number; write cents, e.g. 1.5"),
        )
    })?;
    if value.is_sign_negative() && !value.is_zero() || (!zero_ok && value.is_zero()) {
        let least = if zero_ok { "0 or more" } else { "above 0" };
        return Err(usage(
            flag,
            format!("{text} is out of range; give {least} cents"),
        ));
    }
    if value > Decimal::ONE_HUNDRED {
        return Err(usage(
            flag,
            format!("{text} cents per point is more than a dollar a mile; give cents, e.g. 1.5"),
        ));
    }
    Ok(value)
}

/// A whole number, 0 or more.
fn count(text: &str, flag: &str) -> Result<u64, Error> {
    text.trim()
        .parse()
        .map_err(|_| usage(flag, format!("{text:?} is not a whole number of 0 or more")))
}

/// A table width, 20 to 1000 columns.
fn width(text: &str, flag: &str) -> Result<u16, Error> {
    match text.trim().parse::<u16>() {
        Ok(w) if (20..=1000).contains(&w) => Ok(w),
        _ => Err(usage(
            flag,
            format!("{text:?} is not a width; give 20 to 1000 columns"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_are_checked() {
        assert_eq!(
            cents("1.5", "--value-cpp", false).unwrap().to_string(),
            "1.5"
        );
        assert!(cents("0", "--value-cpp", false).is_err());
        assert!(cents("0", "--min-cpp", true).is_ok());
        assert!(cents("-1", "--min-cpp", true).is_err());
        assert!(cents("150", "--value-cpp", false).is_err());
        let err = cents("lots", "--min-cpp", true).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid --min-cpp: \"lots\" is not a number; write cents, e.g. 1.5"
        );
    }

    #[test]
    fn colour_only_for_a_terminal_without_no_color() {
        assert!(color("auto", true, false).unwrap());
        assert!(!color("auto", true, true).unwrap());
        assert!(!color("auto", false, false).unwrap());
        assert!(color("always", false, true).unwrap());
        assert!(!color("never", true, false).unwrap());
        assert!(color("sometimes", true, false).is_err());
    }

    #[test]
    fn counts_and_widths() {
        assert_eq!(count("3", "--max-stops").unwrap(), 3);
        assert!(count("-1", "--max-stops").is_err());
        assert!(count("1.5", "--max-points").is_err());
        assert_eq!(width("100", "--width").unwrap(), 100);
        assert!(width("5", "--width").is_err());
    }
}
