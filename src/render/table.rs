//! The table for people (comfy-table): a title line with the search, then one row per flight,
//! fitted to a width. Rows where miles win are green, and the best cents per point also bold,
//! when colour is on; without colour the Verdict column says the same in words.

use super::csv::two;
use crate::core::{Better, Flight, Report};
use comfy_table::{
    Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table,
};

/// How the table is drawn. Too wide a table loses its least useful columns (taxes, route, trip
/// time, arrival, savings, in that order) before any cell is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableOptions {
    /// Fit into this many columns; `None` leaves lines as long as they need to be, unless
    /// `terminal` is set.
    pub width: Option<u16>,
    /// Fit to the terminal's width when `width` is `None` (stdout is a terminal).
    pub terminal: bool,
    /// Colour and bold with ANSI escapes.
    pub color: bool,
}

const HEADER: [&str; 11] = [
    "Flight", "Route", "Depart", "Arrive", "Time", "Miles", "Cash", "Taxes", "¢/pt", "Pay", "Saves",
];

/// The columns hidden first when the table is too wide: Taxes, Route, Time, Arrive, Saves.
const HIDE_ORDER: [usize; 5] = [7, 1, 4, 3, 10];

/// The columns holding numbers, right-aligned.
const NUMERIC: [usize; 6] = [4, 5, 6, 7, 8, 10];

/// No borders and no vertical lines, only a rule under the header: the most data per column.
const STYLE: &str = "     ─ ─             ";

/// The title line and the table, newline-terminated.
pub fn render(report: &Report, opts: &TableOptions) -> Vec<u8> {
    let mut out = title(report);
    out.push('\n');
    if report.flights.is_empty() {
        out.push_str("no flights to show\n");
        return out.into_bytes();
    }

    let mut table = Table::new();
    table.load_preset(STYLE);
    // Read the terminal's width before telling comfy-table to stop looking at the terminal:
    // colour and width are decided here, not by it.
    let limit = opts
        .width
        .or_else(|| if opts.terminal { table.width() } else { None });
    table.force_no_tty();
    if opts.color {
        table.enforce_styling();
    }
    table.set_header(HEADER.iter().map(|h| {
        let cell = Cell::new(h);
        if opts.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    let best = report.flights.iter().map(|f| f.cpp).max();
    for f in &report.flights {
        let miles = f.valuation.verdict == Better::Miles;
        let top = miles && Some(f.cpp) == best;
        table.add_row(row(f).into_iter().map(|cell| {
            if !opts.color || !miles {
                return cell;
            }
            let cell = cell.fg(Color::Green);
            if top {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        if NUMERIC.contains(&i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
        // Two spaces between columns, none before the first.
        column.set_padding(if i == 0 { (0, 1) } else { (1, 1) });
    }
    if let Some(limit) = limit {
        fit(&mut table, limit);
    }
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.into_bytes()
}

/// Fits the table into `limit` columns: first by hiding the columns that matter least (taxes,
/// route, trip time, arrival, savings) until the rest fits unwrapped; only if it still does
/// not fit are cells wrapped.
fn fit(table: &mut Table, limit: u16) {
    let widths = table.column_max_content_widths();
    // Each column's content plus its padding, the first one's padding being 1.
    let mut total: u32 = widths.iter().map(|w| u32::from(*w) + 2).sum::<u32>() - 1;
    for i in HIDE_ORDER {
        if total <= u32::from(limit) {
            break;
        }
        if let Some(column) = table.column_mut(i) {
            column.set_constraint(ColumnConstraint::Hidden);
            total -= u32::from(widths[i]) + 2;
        }
    }
    if total <= u32::from(limit) {
        table.set_content_arrangement(ContentArrangement::Disabled);
    } else {
        table.set_width(limit);
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
}

/// `NYC → LAX · 2025-04-24 · 1 adult · main · 36 flights · miles valued at 1.5¢`
fn title(report: &Report) -> String {
    let s = &report.search_metadata;
    let adults = if s.passengers == 1 {
        "1 adult".to_owned()
    } else {
        format!("{} adults", s.passengers)
    };
    let flights = match report.total_results {
        1 => "1 flight".to_owned(),
        n => format!("{n} flights"),
    };
    let mut title = format!(
        "{} → {} · {} · {} · {} · {}",
        s.origin, s.destination, s.date, adults, s.cabin_class, flights
    );
    if let Some(f) = report.flights.first() {
        title.push_str(&format!(
            " · miles valued at {}¢",
            f.valuation.value_cpp.normalize()
        ));
    }
    title
}

fn row(f: &Flight) -> Vec<Cell> {
    let arrive = match f.arrives_next_day {
        0 => f.arrival_time.clone(),
        n => format!("{}+{n}", f.arrival_time),
    };
    let time = f
        .duration_minutes
        .map(|m| format!("{}h{:02}", m / 60, m % 60))
        .unwrap_or_default();
    vec![
        Cell::new(&f.flight_number),
        Cell::new(route(f)),
        Cell::new(&f.departure_time),
        Cell::new(arrive),
        Cell::new(time),
        Cell::new(thousands(f.points_required)),
        Cell::new(format!("${}", two(f.cash_price_usd))),
        Cell::new(format!("${}", two(f.taxes_fees_usd))),
        Cell::new(two(f.cpp)),
        Cell::new(f.valuation.verdict.as_str()),
        Cell::new(format!("${}", two(f.valuation.savings_usd))),
    ]
}

/// `JFK-LAX`, or `JFK-ORD-LAX` through the connections (which also says how many stops).
fn route(f: &Flight) -> String {
    let mut stops: Vec<&str> = vec![f.origin.as_str()];
    for seg in f.segments.iter().skip(1) {
        stops.push(seg.origin.as_str());
    }
    stops.push(f.destination.as_str());
    stops.join("-")
}

/// `15000` → `15,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(15_000), "15,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
