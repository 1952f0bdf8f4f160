using System.CommandLine;
using System.Globalization;
using Research.Analytics.Factors;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Factors;

/// <summary><c>research factors show</c>: one date's exposures: cross-sectional summary per factor, optionally the extremes of one factor.</summary>
internal static class ShowCommand
{
    public static Command Create(CliOutput output)
    {
        var date = CliOptions.Date("--date", "The date (YYYY-MM-DD): the latest snapshot on or before it is shown.");
        var factor = new Option<string?>("--factor") { Description = "Also list the stocks with the highest and lowest exposure to this factor." };
        var top = new Option<int>("--top") { Description = "How many stocks at each end (default 10).", DefaultValueFactory = _ => 10 }.Positive();
        var command = new Command("show", "One date's exposures: cross-sectional summary per factor, optionally the extremes of one factor.") { date, factor, top };
        command.SetAction(parse =>
        {
            using var session = WarehouseOptions.OpenDatasets(parse, [FactorExposuresStore.Dataset], "'research factors build'");
            var snapshot = FactorsCommand.Guard(() => FactorExposuresStore.LoadAt(session, FactorExposuresStore.Dataset, parse.GetValue(date)));
            var summary = snapshot.Factors.Select((f, k) =>
            {
                var values = snapshot.Stocks.Select(s => s.Values[k]).ToArray();
                var capMean = snapshot.Stocks.Sum(s => s.SizeBase * s.Values[k]) / snapshot.Stocks.Sum(s => s.SizeBase);
                var mean = values.Average();
                var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Length - 1));
                return new { factor = f, capWeightedMean = capMean, standardDeviation = sd, min = values.Min(), max = values.Max() };
            }).ToList();
            var name = parse.GetValue(factor);
            var k = name is null ? -1 : snapshot.Factors.ToList().IndexOf(name);
            if (name is not null && k < 0)
            {
                throw new CliException($"--factor: '{name}' is not in the snapshot ({string.Join(", ", snapshot.Factors)}).");
            }

            var n = Math.Max(1, parse.GetValue(top));
            var ranked = k < 0 ? [] : snapshot.Stocks.OrderByDescending(s => s.Values[k]).ToList();
            var extremes = k < 0 ? null : new { highest = ranked.Take(n).Select(s => new { s.Permno, s.Label, exposure = s.Values[k] }), lowest = ranked.TakeLast(n).Select(s => new { s.Permno, s.Label, exposure = s.Values[k] }) };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { date = snapshot.Date, stocks = snapshot.Stocks.Count, summary, extremes });
                return ExitCodes.Ok;
            }

            var table = new Table().Title($"{snapshot.Stocks.Count} stocks on {snapshot.Date:yyyy-MM-dd}").AddColumns("Factor", "Cap-weighted mean", "Std dev", "Min", "Max");
            foreach (var s in summary)
            {
                table.AddRow(s.factor, FactorsCommand.F(s.capWeightedMean), FactorsCommand.F(s.standardDeviation), FactorsCommand.F(s.min), FactorsCommand.F(s.max));
            }

            output.Console.Write(table);
            if (extremes is not null)
            {
                var ends = new Table().Title($"{name}: highest and lowest").AddColumns("PERMNO", "Label", "Exposure");
                foreach (var s in extremes.highest.Concat(extremes.lowest))
                {
                    ends.AddRow(s.Permno.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Label), FactorsCommand.F(s.exposure));
                }

                output.Console.Write(ends);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
