#!/usr/bin/env bash
# Regenerates examples/samples/ with point-break itself, from the saved AA answers in
# tests/fixtures (no browser, no network). tests/cli_shell.rs runs the same commands and fails
# when a sample is out of date.
#
#   examples/make-samples.sh                 # builds and uses target/debug/point-break
#   POINT_BREAK=/path/to/point-break SAMPLES_DIR=/tmp/s examples/make-samples.sh
set -euo pipefail

cd "$(dirname "$0")/.."
if [ -z "${POINT_BREAK:-}" ]; then
    cargo build --quiet
    POINT_BREAK=target/debug/point-break
fi

fixtures=tests/fixtures
lax=(--award "$fixtures/captures/aifares__CreditCardPoints__american-raw.b5d11d6.json"
     --revenue "$fixtures/revenue/revenue-b5d11d6-pax1.json")
mia=(--award "$fixtures/captures/aifares__CreditCardPoints__american-raw.6a98ba2.json"
     --revenue "$fixtures/revenue/revenue-6a98ba2-pax1.json")
out=${SAMPLES_DIR:-examples/samples}
mkdir -p "$out"

# Every NYC-LAX flight, as a person reads it at 100 columns.
"$POINT_BREAK" merge "${lax[@]}" --format table --width 100 --color never \
    --output "$out/nyc-lax-2025-04-24.table.txt"
# The same flights as CSV, for a spreadsheet.
"$POINT_BREAK" merge "${lax[@]}" --format csv --output "$out/nyc-lax-2025-04-24.csv"
# Nonstops only, best cents per point first, as the full JSON report.
"$POINT_BREAK" merge "${lax[@]}" --nonstop --sort cpp --output "$out/nyc-lax-2025-04-24.nonstop.json"
# NYC-MIA flights worth at least 3 cents per point, one JSON object per line.
"$POINT_BREAK" merge "${mia[@]}" --min-cpp 3 --format ndjson \
    --output "$out/nyc-mia-2025-04-30.min-cpp-3.ndjson"
# NYC-MIA judged against a mile worth 1.2 cents, sorted by miles, in a narrow terminal.
"$POINT_BREAK" merge "${mia[@]}" --value-cpp 1.2 --sort points --format table --width 72 \
    --color never --output "$out/nyc-mia-2025-04-30.value-1.2.table.txt"

echo "samples written to $out" >&2
