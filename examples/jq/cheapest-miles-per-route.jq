# The fewest miles each route costs, over every date in the input, with the flight that costs it.
#
#   jq -s -f examples/jq/cheapest-miles-per-route.jq results/*.json
#
# Input: one or more `point-break search|merge --format json` reports, slurped with -s.
# Output: an array, one object per route (origin-destination as searched), in route order.
[ .[]
  | .search_metadata as $s
  | .flights[]
  | { route: "\($s.origin)-\($s.destination)",
      date: $s.date,
      flight_number, departure_time, points_required, taxes_fees_usd, cash_price_usd, cpp } ]
| group_by(.route)
| map(min_by(.points_required))
