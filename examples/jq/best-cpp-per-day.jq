# The best redemption of each day: the flight with the most cents per point, per departure date,
# across every route in the input.
#
#   jq -s -f examples/jq/best-cpp-per-day.jq results/*.json
#
# Input: one or more `point-break search|merge --format json` reports, slurped with -s.
# Output: an array, one object per date, in date order.
[ .[]
  | .search_metadata as $s
  | .flights[]
  | { date: $s.date,
      route: "\($s.origin)-\($s.destination)",
      flight_number, departure_time, points_required, cash_price_usd, taxes_fees_usd,
      cpp, verdict, savings_usd } ]
| group_by(.date)
| map(max_by(.cpp))
