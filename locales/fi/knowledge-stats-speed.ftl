# Statistics views at national scale: the profile's sparklines.
stats-spark-desc = Alueen arvo vuosittain { $from }–{ $to }: ensimmäinen { $first }, viimeisin { $last }. Jokainen vuosi on taulukossa.
stats-full-history = Koko aikasarja luottamusväleineen
