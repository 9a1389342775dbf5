#!/usr/bin/env bash
# Nightly award watch for cron: searches each route for the day DAYS_AHEAD days from today and
# keeps the results in a directory named after the run's date:
#
#   $POINT_BREAK_OUT/2025-03-25/JFK-LAX-2025-04-24.json   (and .csv, .ndjson, .txt if asked)
#   $POINT_BREAK_OUT/latest -> 2025-03-25
#
# One run at a time (flock on $POINT_BREAK_LOCK; a second run exits 12 at once). Every file is
# written atomically by point-break itself (--output), so a reader never sees half a file and a
# failed search leaves yesterday's file alone. AA is searched once per route: the other formats
# are made offline with `point-break merge` from the answers saved by --save-raw.
#
# Settings (environment):
#   POINT_BREAK              the binary                        (default: point-break on PATH)
#   POINT_BREAK_OUT          where results go                  (default: ~/point-break)
#   POINT_BREAK_ROUTES       ORIGIN-DESTINATION pairs          (default: "JFK-LAX LAX-JFK")
#   POINT_BREAK_DAYS_AHEAD   how far ahead to search           (default: 30)
#   POINT_BREAK_FORMATS      any of json csv ndjson table      (default: "json csv")
#   POINT_BREAK_ARGS         more flags for every search/merge, e.g. "--passengers 2 --cabin business"
#   POINT_BREAK_PAUSE        seconds between two searches      (default: 30; be gentle with aa.com)
#   POINT_BREAK_KEEP_RAW     1 keeps AA's raw answers beside the results (default: 0)
#   POINT_BREAK_LOCK         the lock file                     (default: $POINT_BREAK_OUT/.nightly.lock)
#   POINT_BREAK_BASE_URL, POINT_BREAK_PROXY are read by point-break itself.
#
# Exit: 0 when every route succeeded; 12 when another run holds the lock; otherwise the exit
# code of the last failed search (see `point-break --help` and the README's exit-code table).
set -euo pipefail

export PATH="$HOME/.cargo/bin:/usr/local/bin:$PATH"  # cron's PATH is minimal; geckodriver lives here
bin=${POINT_BREAK:-point-break}
out=${POINT_BREAK_OUT:-$HOME/point-break}
routes=${POINT_BREAK_ROUTES:-JFK-LAX LAX-JFK}
days=${POINT_BREAK_DAYS_AHEAD:-30}
formats=${POINT_BREAK_FORMATS:-json csv}
pause=${POINT_BREAK_PAUSE:-30}
keep_raw=${POINT_BREAK_KEEP_RAW:-0}
lock=${POINT_BREAK_LOCK:-$out/.nightly.lock}
read -r -a extra <<<"${POINT_BREAK_ARGS:-}"

say() { printf '%s point-break-nightly: %s\n' "$(date '+%F %T')" "$*" >&2; }

mkdir -p "$out"
exec 9>"$lock"
if ! flock -n 9; then
    say "another run holds $lock; not starting"
    exit 12
fi

# The day to search: GNU date, else BSD date.
day=$(date -d "+$days days" +%F 2>/dev/null || date -v+"$days"d +%F)
run_dir="$out/$(date +%F)"
mkdir -p "$run_dir"

status=0
first=1
for route in $routes; do
    origin=${route%%-*}
    destination=${route##*-}
    name="$origin-$destination-$day"
    raw="$run_dir/$name.raw"
    [ "$first" = 1 ] || sleep "$pause"
    first=0

    say "searching $origin → $destination on $day"
    rc=0
    "$bin" search --origin "$origin" --destination "$destination" --date "$day" \
        "${extra[@]}" --save-raw "$raw" --output "$run_dir/$name.json" || rc=$?
    if [ "$rc" -ne 0 ]; then
        say "$name failed with exit code $rc"
        status=$rc
        continue
    fi

    for format in $formats; do
        case $format in
            json) continue ;;
            table) file="$run_dir/$name.txt" ;;
            *) file="$run_dir/$name.$format" ;;
        esac
        "$bin" merge --award "$raw/award.json" --revenue "$raw/revenue.json" \
            --origin "$origin" --destination "$destination" --date "$day" \
            "${extra[@]}" --format "$format" --color never --output "$file" || status=$?
    done
    [ "$keep_raw" = 1 ] || rm -rf "$raw"
done

ln -sfn "$(basename "$run_dir")" "$out/latest"
say "done (exit $status); results in $run_dir"
exit "$status"
