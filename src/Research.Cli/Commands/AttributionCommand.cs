using System.CommandLine;
using System.Globalization;
using Research.Analytics.Attribution;
using Research.Backtesting.TearSheets;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Backtests;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research attribution --returns FILE --model ff5</c>: a daily return series regressed on the warehouse's Fama-French
/// factors (<see cref="ReturnAttribution"/>): loadings with Newey-West and HC3 errors, annualised alpha, contributions,
/// optionally rolling loadings and up/down-market betas with the timing tests.
/// </summary>
public static partial class AttributionCommand
{
    public static Command Create(CliOutput output)
    {
        var returns = new Option<string?>("--returns") { Description = "CSV with a header and date,return rows (YYYY-MM-DD, decimal: 0.01 = 1%)." };
        var job = new Option<string?>("--job") { Description = "Instead of --returns: a stored backtest or walk-forward job on the cluster, attributed in the silo against the Fama-French version the run pinned." };
        var model = CliOptions.Choice("--model", "Factor model.", AttributionModel.Ff5);
        var lags = new Option<int>("--nw-lags") { Description = "Newey-West lag in sessions.", DefaultValueFactory = _ => ReturnAttribution.DefaultNeweyWestLags }.Between(0, 100);
        var rolling = new Option<int?>("--rolling") { Description = "Also fit over a rolling window of this many sessions and print the loadings at each month end." }.Positive();
        var conditional = new Option<bool>("--conditional") { Description = "Also fit up- and down-market betas and the Treynor-Mazuy and Henriksson-Merton timing tests." };
        var command = new Command("attribution", "Attribute a daily return series (a CSV or a stored job) to CAPM, Fama-French 3 or 5, Carhart 4 or FF5 + momentum (OLS, Newey-West errors).")
        {
            returns, job, model, lags, rolling, conditional, ClusterOptions.Gateway,
        };
        command.SetAction(async (parse, ct) =>
        {
            var chosen = parse.GetValue(model);
            var (result, from, to, sessions, windows, timing, source) = parse.GetValue(job) is { } jobId
                ? parse.GetValue(returns) is null
                    ? await FromJobAsync(parse, jobId, WireName(chosen), parse.GetValue(lags), parse.GetValue(rolling), ct).ConfigureAwait(false)
                    : throw new CliException("Give --returns FILE or --job ID, not both.")
                : FromFile(parse, parse.GetValue(returns) ?? throw new CliException("Give --returns FILE (a date,return CSV) or --job ID (a stored backtest or walk-forward)."),
                    chosen, parse.GetValue(lags), parse.GetValue(rolling));
            if (!parse.GetValue(conditional))
            {
                timing = null;
            }

            if (source is not null)
            {
                output.Info(source);
            }

            if (result.Dropped > 0)
            {
                output.Info($"{result.Dropped} day(s) of the returns have no {WireName(chosen)} factor data and are left out; {sessions} used ({from:yyyy-MM-dd}..{to:yyyy-MM-dd}).");
            }

            var names = FactorReturns.FactorsOf(chosen);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    result.Model,
                    from,
                    to,
                    sessions,
                    result.Dropped,
                    result.Loadings,
                    result.RSquared,
                    result.AdjustedRSquared,
                    result.ResidualVolatility,
                    result.AnnualExcessReturn,
                    result.NeweyWestLags,
                    rolling = windows?.Select(w => new { w.End, loadings = names.Prepend("alpha").Zip(w.Loadings).ToDictionary(p => p.First, p => p.Second) }),
                    timing,
                });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{WireName(chosen)}: {sessions:N0} sessions {from:yyyy-MM-dd}..{to:yyyy-MM-dd}, excess returns over the Fama-French rf"));
            var table = new Table()
                .AddColumns("", "loading", $"NW se (L={result.NeweyWestLags})", "t", "HC3 se", "contribution / year");
            foreach (var l in result.Loadings)
            {
                table.AddRow(l.Name, F(l.Loading, "0.000000"), F(l.NeweyWestError, "0.000000"), F(l.NeweyWestT, "0.00"), F(l.Hc3Error, "0.000000"), Percent(l.AnnualContribution));
            }

            output.Console.Write(table);
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"alpha {Percent(result.Loadings[0].AnnualContribution)} a year (daily alpha x 252, arithmetic); excess return {Percent(result.AnnualExcessReturn)} a year = alpha + the contributions; R² {result.RSquared:0.0000} (adjusted {result.AdjustedRSquared:0.0000}); residual volatility {Percent(result.ResidualVolatility)} a year."));
            if (timing is { } m)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"up-market beta {m.UpBeta:0.000} (se {m.UpBetaError:0.000}, {m.UpDays} days), down-market beta {m.DownBeta:0.000} (se {m.DownBetaError:0.000}, {m.DownDays} days); Treynor-Mazuy gamma {m.TreynorMazuyGamma:0.000} (t {m.TreynorMazuyT:0.00}); Henriksson-Merton gamma {m.HenrikssonMertonGamma:0.000} (t {m.HenrikssonMertonT:0.00})."));
            }

            if (windows is not null)
            {
                var monthEnds = windows.GroupBy(w => (w.End.Year, w.End.Month)).Select(g => g.Last()).ToList();
                output.Out.WriteLine($"rolling {parse.GetValue(rolling)}-session loadings, at month ends:");
                var rollingTable = new Table().AddColumns(["end", "alpha", .. names]);
                foreach (var (end, loadings) in monthEnds)
                {
                    rollingTable.AddRow([$"{end:yyyy-MM-dd}", .. loadings.Select(v => F(v, "0.0000"))]);
                }

                output.Console.Write(rollingTable);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Attributed FromFile(ParseResult parse, string file, AttributionModel chosen, int lags, int? rolling)
    {
        (DateOnly[] Dates, double[] Returns) series;
        try
        {
            series = ReturnSeriesFile.Read(file);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException($"--returns: {e.Message}", e);
        }

        FactorReturns factors;
        using (var session = WarehouseOptions.OpenDatasets(parse, FactorReturnsLoader.DatasetsFor(chosen), "'research sync --full-sync --dataset famafrench --source french' (or --source files DIR)"))
        {
            factors = FactorReturnsLoader.Load(session, chosen);
        }

        try
        {
            var result = ReturnAttribution.Run(series.Dates, series.Returns, factors, chosen, lags);
            var windows = rolling is { } window ? ReturnAttribution.Rolling(series.Dates, series.Returns, factors, chosen, window) : null;
            return new(result, result.Dates[0], result.Dates[^1], result.Dates.Count, windows, ReturnAttribution.Timing(series.Dates, series.Returns, factors, chosen, lags), null);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{Path.GetFileName(file)}: {e.Message}", e);
        }
    }

    /// <summary>The grain's attribution of a stored run, as the library's records (one printing path for both sources).</summary>
    private static async Task<Attributed> FromJobAsync(
        ParseResult parse, string jobId, string model, int lags, int? rolling, CancellationToken ct)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
        AttributionView view;
        try
        {
            view = await cluster.Client.GetGrain<IBacktestResultGrain>(0).GetAttributionAsync(jobId, model, lags, rolling ?? 0).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // The grain's message without .NET's " (Parameter 'x')" suffix (the option is named already).
            throw new CliException($"--job {jobId}: {ParameterSuffix().Replace(e.Message, string.Empty)}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException($"--job {jobId}: {e.Message} ('research backtest list' shows the jobs; a Monte Carlo job has no daily track to attribute.)", e);
        }

        var result = new AttributionResult(WireNames.Parse<AttributionModel>(view.Model, "model"), [], view.Dropped,
            [.. view.Loadings.Select(l => new FactorLoading(l.Name, l.Loading, l.NeweyWestError, l.NeweyWestT, l.Hc3Error, l.AnnualContribution))],
            view.RSquared, view.AdjustedRSquared, view.ResidualVolatility, view.AnnualExcessReturn, view.NeweyWestLags);
        var t = view.Timing;
        IReadOnlyList<(DateOnly, IReadOnlyList<double>)>? windows = view.RollingWindow == 0 ? null
            : [.. view.RollingDates.Select((d, i) => (d, (IReadOnlyList<double>)[.. view.RollingLoadings.Select(series => series[i])]))];
        return new(result, view.From, view.To, view.Sessions, windows,
            new MarketTiming(t.UpBeta, t.UpBetaError, t.DownBeta, t.DownBetaError, t.TreynorMazuyGamma, t.TreynorMazuyT, t.HenrikssonMertonGamma, t.HenrikssonMertonT, t.UpDays, t.DownDays),
            $"job {jobId}: factors {string.Join(", ", view.FactorVersions.Select(p => $"{p.Key}@{p.Value}"))}");
    }

    /// <summary>An attribution from either source, with its span (the job's view carries no per-date list).</summary>
    private sealed record Attributed(AttributionResult Result, DateOnly From, DateOnly To, int Sessions, IReadOnlyList<(DateOnly End, IReadOnlyList<double> Loadings)>? Windows, MarketTiming? Timing, string? Source);

    [System.Text.RegularExpressions.GeneratedRegex(@" \(Parameter '[^']*'\)$")]
    private static partial System.Text.RegularExpressions.Regex ParameterSuffix();

    private static string WireName(AttributionModel model) => WireNames.Of(model);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
