# Statistics views at national scale: the profile's sparklines.
stats-spark-desc = The area's value by year, { $from }–{ $to }: first { $first }, latest { $last }. Every year is in the table.
stats-full-history = The whole history with confidence intervals
