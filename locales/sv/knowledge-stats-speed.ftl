# Statistics views at national scale: the profile's sparklines.
stats-spark-desc = Områdets värde per år { $from }–{ $to }: först { $first }, senast { $last }. Varje år finns i tabellen.
stats-full-history = Hela tidsserien med konfidensintervall
