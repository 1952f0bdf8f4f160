using System.CommandLine;
using System.Globalization;
using Research.Analytics.Factors;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research factors list|build|show</c>: style factor definitions, monthly exposures, one date's cross-section.</summary>
public static class FactorsCommand
{
    internal static readonly string[] PanelDatasets = ["crsp/daily", "crsp/names"];

    internal static readonly string[] FundamentalDatasets = ["compustat/quarterly", "ccm/links"];

    public static Command Create(CliOutput output)
    {
        var factors = new Command("factors", "Style factors: definitions, exposures built at month ends, and one date's cross-section.");

        var list = new Command("list", "The registered factor definitions: formula and point-in-time inputs.");
        list.SetAction(parse =>
        {
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(FactorRegistry.All.Select(d => new { name = d.Name, formula = d.Formula, pointInTime = d.PointInTime, inputs = d.Inputs.ToString(), orthogonalToSize = d.OrthogonalToSize }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Factor", "Formula", "Point in time");
            foreach (var d in FactorRegistry.All)
            {
                table.AddRow(d.Name, Markup.Escape(d.Formula), Markup.Escape(d.PointInTime));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });

        var from = CliOptions.OptionalDate("--from", "First rebalance date (default: 13 months after the first CRSP session, when momentum exists).");
        var to = CliOptions.OptionalDate("--to", "Last rebalance date (default: the last CRSP session).");
        var styles = new Option<string?>("--styles") { Description = "Comma-separated factors (default: every registered factor the data supports)." };
        var neutral = new Option<string?>("--industry-neutral") { Description = "Comma-separated factors to neutralise against industries." };
        var composite = new Option<string[]>("--composite") { Description = "A composite, e.g. qv=quality:0.5,value:0.5 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var build = new Command("build", "Build exposures at every month end and publish them as factors/exposures.") { from, to, styles, neutral, composite };
        build.SetAction(async (parse, ct) =>
        {
            var options = new FactorBuildOptions
            {
                Styles = SplitList(parse.GetValue(styles)),
                IndustryNeutral = SplitList(parse.GetValue(neutral)) ?? [],
                Composites = [.. (parse.GetValue(composite) ?? []).Select(ParseComposite)],
            };
            var layout = WarehouseOptions.Layout(parse);
            var (panel, sessions) = LoadPanel(parse, output, parse.GetValue(from), parse.GetValue(to));
            var exposures = await output.WithProgressAsync("factors build", progress =>
                Task.Run(() => Guard(() => FactorBuilder.Build(panel, sessions, options, new SynchronousProgress<double>(f => progress.Report(("month ends", f))))), ct)).ConfigureAwait(false);
            var manifests = await FactorExposuresStore.PublishAsync(layout, panel, exposures, options, Environment.UserName, TimeProvider.System, ct).ConfigureAwait(false);
            var coverage = exposures.Factors.Select((f, k) => new { factor = f, meanCoverage = exposures.Snapshots.Average(s => s.Coverage[k]) }).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    dataset = FactorExposuresStore.Dataset,
                    version = manifests[0].VersionId,
                    first = exposures.Snapshots[0].Date,
                    last = exposures.Snapshots[^1].Date,
                    snapshots = exposures.Snapshots.Count,
                    stocks = exposures.Snapshots.Sum(s => s.Assets.Length),
                    coverage,
                });
                return ExitCodes.Ok;
            }

            var table = new Table().Title($"{exposures.Snapshots.Count} month ends {exposures.Snapshots[0].Date:yyyy-MM-dd}..{exposures.Snapshots[^1].Date:yyyy-MM-dd}").AddColumns("Factor", "Mean coverage");
            foreach (var c in coverage)
            {
                table.AddRow(c.factor, c.meanCoverage.ToString("P1", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            output.Out.WriteLine($"published {FactorExposuresStore.Dataset} {manifests[0].VersionId} ({exposures.Snapshots.Sum(s => s.Assets.Length)} rows)");
            return ExitCodes.Ok;
        });

        var date = CliOptions.Date("--date", "The date (YYYY-MM-DD): the latest snapshot on or before it is shown.");
        var factor = new Option<string?>("--factor") { Description = "Also list the stocks with the highest and lowest exposure to this factor." };
        var top = new Option<int>("--top") { Description = "How many stocks at each end (default 10).", DefaultValueFactory = _ => 10 };
        var show = new Command("show", "One date's exposures: cross-sectional summary per factor, optionally the extremes of one factor.") { date, factor, top };
        show.SetAction(parse =>
        {
            using var session = WarehouseOptions.OpenDatasets(parse, [FactorExposuresStore.Dataset], "'research factors build'");
            var snapshot = Guard(() => FactorExposuresStore.LoadAt(session, FactorExposuresStore.Dataset, parse.GetValue(date)));
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
                table.AddRow(s.factor, F(s.capWeightedMean), F(s.standardDeviation), F(s.min), F(s.max));
            }

            output.Console.Write(table);
            if (extremes is not null)
            {
                var ends = new Table().Title($"{name}: highest and lowest").AddColumns("PERMNO", "Label", "Exposure");
                foreach (var s in extremes.highest.Concat(extremes.lowest))
                {
                    ends.AddRow(s.Permno.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Label), F(s.exposure));
                }

                output.Console.Write(ends);
            }

            return ExitCodes.Ok;
        });

        factors.Subcommands.Add(list);
        factors.Subcommands.Add(build);
        factors.Subcommands.Add(show);
        return factors;
    }

    /// <summary>
    /// Loads the CRSP (and, when present, Compustat) panel from 13 months before <paramref name="from"/> (momentum needs
    /// a year of returns) to <paramref name="to"/>, and picks the month ends between them.
    /// </summary>
    internal static (EquityPanel Panel, int[] MonthEnds) LoadPanel(ParseResult parse, CliOutput output, DateOnly? from, DateOnly? to)
    {
        var layout = WarehouseOptions.Layout(parse);
        var catalog = new WarehouseCatalog(layout);
        var datasets = PanelDatasets.Concat(FundamentalDatasets.Where(d => catalog.ReadCurrent(d) is not null)).ToList();
        using var session = WarehouseOptions.OpenDatasets(parse, datasets, "'research sync --source synthetic' (or wrds)");
        DateOnly first, last;
        using (var command = session.CreateTrustedCommand("SELECT min(date), max(date) FROM crsp.daily"))
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            if (reader.IsDBNull(0))
            {
                throw new CliException("crsp/daily is empty.");
            }

            (first, last) = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
        }

        var start = from ?? first.AddMonths(13);
        var end = to ?? last;
        if (end < start)
        {
            throw new CliException($"--to {end:yyyy-MM-dd} is before --from {start:yyyy-MM-dd}.");
        }

        if (start > last || end < first)
        {
            throw new CliException($"crsp/daily runs {first:yyyy-MM-dd}..{last:yyyy-MM-dd}; {start:yyyy-MM-dd}..{end:yyyy-MM-dd} is outside it.");
        }

        var panel = Guard(() => EquityPanelLoader.Load(session, start.AddMonths(-13) < first ? first : start.AddMonths(-13), end, new SynchronousProgress<string>(output.Info)));
        var monthEnds = panel.MonthEnds().Where(t => panel.Dates[t] >= start.AddMonths(-1) && panel.Dates[t] <= end).ToArray();
        if (monthEnds.Length == 0)
        {
            throw new CliException($"No month end between {start:yyyy-MM-dd} and {end:yyyy-MM-dd}.");
        }

        return (panel, monthEnds);
    }

    internal static IReadOnlyList<string>? SplitList(string? text) =>
        text is null ? null : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static CompositeFactor ParseComposite(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new CliException($"--composite '{text}': expected name=factor:weight,factor:weight.");
        }

        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in text[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !double.TryParse(part[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || !double.IsFinite(w))
            {
                throw new CliException($"--composite '{text}': '{part}' is not factor:weight.");
            }

            weights[part[..colon]] = w;
        }

        return new CompositeFactor(text[..equals].Trim(), weights);
    }

    /// <summary>Turns the analytics' argument and state errors into one-line CLI errors.</summary>
    internal static T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException)
        {
            throw new CliException(e.Message);
        }
    }

    private static string F(double x) => x.ToString("F3", CultureInfo.InvariantCulture);
}
