# Flights worth at least MIN cents per point (default 2), best first.
#
#   jq -s --argjson min 1.8 -f examples/jq/above-threshold.jq results/*.json
#
# Input: one or more `point-break search|merge --format json` reports, slurped with -s.
# Output: an array of flights, highest cpp first (ties keep departure order).
($ARGS.named.min // 2) as $min
| [ .[]
    | .search_metadata as $s
    | .flights[]
    | select(.cpp >= $min)
    | { date: $s.date,
        route: "\($s.origin)-\($s.destination)",
        flight_number, departure_time, arrival_time, stops, points_required,
        cash_price_usd, taxes_fees_usd, cpp } ]
| sort_by(-.cpp)
