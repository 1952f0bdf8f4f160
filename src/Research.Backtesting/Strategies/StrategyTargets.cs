using Research.Backtesting.Data;
using Research.Backtesting.Engine;
using Research.Backtesting.Jobs;
using Research.Data.Warehouse;

namespace Research.Backtesting.Strategies;

/// <summary>
/// A strategy's decision at the close of <see cref="Session"/>: its target weights by ticker (fractions of the capital
/// it trades; a short is negative), the close each was decided at, whether its own schedule calls for a rebalance that
/// day (<see cref="IStrategy.RebalancesOn"/>, the rule a backtest follows), and the data versions it read.
/// </summary>
/// <param name="Unmapped">PERMNOs with a target but no ticker on the session in <c>crsp/names</c> (not tradable by symbol; left out of <see cref="Weights"/>).</param>
public sealed record TargetBook(
    string Strategy,
    DateOnly Session,
    bool ScheduledRebalance,
    IReadOnlyDictionary<string, double> Weights,
    IReadOnlyDictionary<string, double> Prices,
    IReadOnlyDictionary<string, string> DataVersions,
    IReadOnlyList<int> Unmapped);

/// <summary>
/// What a live strategy decides, with the backtest's own code: the same request (<see cref="BacktestRequest"/>: factor,
/// signal or registry model, construction, quantile), the same data loader, the same strategy builder
/// (<see cref="BacktestRunner.Strategy"/>) and the same point-in-time view, on the warehouse's current versions up to
/// the decision session. Only the window differs: 13 months before the session, as a backtest loads before its start.
/// </summary>
public static class StrategyTargets
{
    /// <summary>The decision at the close of the last CRSP session on or before <paramref name="asOf"/>.</summary>
    public static TargetBook Decide(WarehouseLayout layout, BacktestRequest request, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var versions = BacktestRunner.CurrentVersions(layout, request, cancellationToken);
        var datasets = versions.Where(p => !SignalModels.IsPin(p.Key)).ToDictionary(StringComparer.Ordinal);
        using var session = WarehouseQuerySession.OpenVersions(layout, datasets, QueryLimits.Default, TimeProvider.System);
        var (first, last) = BacktestRunner.CrspRange(session);
        if (asOf < first)
        {
            throw new ArgumentException($"no CRSP session on or before {asOf:yyyy-MM-dd} (crsp/daily starts {first:yyyy-MM-dd}).");
        }

        var until = asOf < last ? asOf : last;
        var from = until.AddMonths(-13) < first ? first : until.AddMonths(-13);
        var data = BacktestDataLoader.Load(session, from, until);
        cancellationToken.ThrowIfCancellationRequested();
        var (strategy, exposures) = BacktestRunner.Strategy(layout, session, data, request, versions, cancellationToken: cancellationToken);
        var t = data.Panel.SessionOnOrBefore(until);
        var view = new PointInTimeView(data, exposures, strategy.Name, t);
        var scheduled = strategy.RebalancesOn(view);
        var weights = strategy.TargetWeights(view);
        var tickers = Tickers(session, data.Dates[t]);
        var (targets, prices, unmapped) = (new SortedDictionary<string, double>(StringComparer.Ordinal), new SortedDictionary<string, double>(StringComparer.Ordinal), new List<int>());
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 0)
            {
                continue;
            }

            var permno = data.Panel.Ids[i];
            if (!tickers.TryGetValue(permno, out var ticker) || targets.ContainsKey(ticker))
            {
                unmapped.Add(permno);
                continue;
            }

            targets[ticker] = weights[i];
            prices[ticker] = data.Prices is { } p ? p.Close[(t * data.Assets) + i] : double.NaN;
        }

        return new TargetBook(strategy.Name, data.Dates[t], scheduled, targets, prices, versions, unmapped);
    }

    /// <summary>The last session in the warehouse's current <c>crsp/daily</c> (a cheap check before a decision).</summary>
    public static DateOnly LatestSession(WarehouseLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, ["crsp/daily"]);
        return BacktestRunner.CrspRange(session).Last;
    }

    /// <summary>Each PERMNO's ticker on <paramref name="date"/> (the name record covering it).</summary>
    private static Dictionary<int, string> Tickers(WarehouseQuerySession session, DateOnly date)
    {
        using var command = session.CreateTrustedCommand($"""
            SELECT permno, ticker FROM crsp.names
            WHERE DATE '{date:yyyy-MM-dd}' BETWEEN namedt AND nameendt AND ticker IS NOT NULL AND ticker <> ''
            """);
        using var reader = command.ExecuteReader();
        var tickers = new Dictionary<int, string>();
        while (reader.Read())
        {
            tickers[Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)] = reader.GetString(1);
        }

        return tickers;
    }
}
