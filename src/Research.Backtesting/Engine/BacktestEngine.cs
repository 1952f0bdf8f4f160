using Research.Analytics.Factors;

namespace Research.Backtesting.Engine;

/// <summary>When orders made at a close are executed.</summary>
public enum Execution
{
    /// <summary>At the next session's close: the new weights earn from the close after that.</summary>
    NextClose,

    /// <summary>At the next session's open: old weights earn the overnight move, new weights the open-to-close move.</summary>
    NextOpen,
}

/// <summary>Costs and frictions.</summary>
public sealed record CostModel
{
    /// <summary>Commission in basis points of traded value.</summary>
    public double CommissionBps { get; init; } = 1.0;

    /// <summary>Half the bid-ask spread in basis points of traded value.</summary>
    public double HalfSpreadBps { get; init; } = 5.0;

    /// <summary>
    /// Square-root impact coefficient k: the price moves by k σ √(Q / ADV) against a trade of Q dollars, σ the stock's
    /// daily volatility over 20 sessions and ADV its 20-session average dollar volume (Almgren et al. 2005; Grinold and
    /// Kahn's rule of thumb). Cost = that fraction x Q. 0 turns impact off.
    /// </summary>
    public double ImpactCoefficient { get; init; } = 0.1;

    /// <summary>Annual fee for borrowing stock, in basis points of the short value (charged daily, 252 days).</summary>
    public double BorrowBps { get; init; } = 50.0;

    public static CostModel None { get; } = new() { CommissionBps = 0, HalfSpreadBps = 0, ImpactCoefficient = 0, BorrowBps = 0 };
}

/// <summary>Settings of one run.</summary>
public sealed record BacktestSettings
{
    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    /// <summary>Capital in dollars (impact depends on trade size).</summary>
    public double Capital { get; init; } = 10_000_000;

    public Execution Execution { get; init; } = Execution.NextClose;

    public CostModel Costs { get; init; } = new();

    /// <summary>Keep every trade and the positions after each trading day (off for very large runs such as benchmarks).</summary>
    public bool RecordTrades { get; init; } = true;
}

/// <summary>One executed trade.</summary>
/// <param name="Date">Execution session.</param>
/// <param name="Asset">Panel asset index.</param>
/// <param name="Before">Weight before the trade (after the day's drift).</param>
/// <param name="After">Weight after the trade.</param>
/// <param name="Cost">Cost as a fraction of capital (commission + half spread + impact).</param>
public readonly record struct Trade(DateOnly Date, int Asset, double Before, double After, double Cost);

/// <summary>The outputs of a run.</summary>
public sealed record BacktestResult(
    string Strategy,
    DateOnly[] Dates,
    double[] Returns,
    double[] GrossReturns,
    double[] Costs,
    double[] Turnover,
    double[] LongExposure,
    double[] ShortExposure,
    IReadOnlyList<Trade> Trades,
    IReadOnlyDictionary<DateOnly, (int[] Assets, double[] Weights)> Positions);

/// <summary>
/// The daily backtest engine. For each session t in the window, in order:
/// <list type="number">
/// <item>Returns of t: yesterday's weights earn the stocks' returns (with NextOpen and a pending order, old weights earn
/// the overnight move and new ones the open-to-close move); cash earns the risk-free rate; shorts pay the borrow fee;
/// a stock that delists on t also earns its delisting return, and its weight becomes cash.</item>
/// <item>Pending orders execute (NextClose: at this close; NextOpen: already done at the open), paying commission, half
/// the spread and square-root impact on each trade.</item>
/// <item>Weights drift with returns; the strategy, seeing only data up to this close (<see cref="PointInTimeView"/>),
/// may place new target weights, executed next session.</item>
/// </list>
/// The return of a day is the change of capital (costs paid from cash at the trade); the gross return leaves the costs
/// out, and their difference is reported as the day's cost. Work per session is a
/// few passes over the asset arrays (vectorised over assets); strategies decide only on their rebalance dates.
/// </summary>
public static class BacktestEngine
{
    public static BacktestResult Run(BacktestData data, IStrategy strategy, BacktestSettings settings, FactorExposures? exposures = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(settings);
        var first = Array.FindIndex(data.Dates, d => d >= settings.From);
        var last = data.Panel.SessionOnOrBefore(settings.To);
        if (first < 0 || last < first)
        {
            throw new ArgumentException($"No sessions between {settings.From:yyyy-MM-dd} and {settings.To:yyyy-MM-dd} in the data ({data.Dates[0]:yyyy-MM-dd}..{data.Dates[^1]:yyyy-MM-dd}).");
        }

        var n = data.Assets;
        var days = last - first + 1;
        var weights = new double[n];
        double[]? pending = null;
        var returns = new double[days];
        var gross = new double[days];
        var costs = new double[days];
        var turnover = new double[days];
        var longs = new double[days];
        var shorts = new double[days];
        var trades = new List<Trade>();
        var positions = new Dictionary<DateOnly, (int[] Assets, double[] Weights)>();
        var frictions = settings.Costs.ImpactCoefficient > 0 ? Frictions.Compute(data, first, last) : null;
        var borrow = settings.Costs.BorrowBps / 10_000 / 252;
        var moves = new double[n];
        for (var t = first; t <= last; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var d = t - first;
            var row = t * n;
            double growth = 1, grossGrowth = 1;

            // 1. With NextOpen and an order waiting: the overnight move on the old weights, then the trade at the open.
            var openTrade = pending is not null && settings.Execution == Execution.NextOpen;
            if (openTrade)
            {
                var overnight = 0.0;
                for (var i = 0; i < n; i++)
                {
                    var (r, intraday) = (data.Panel.Returns[row + i], data.IntradayReturns[row + i]);
                    moves[i] = double.IsNaN(r) ? 0 : double.IsNaN(intraday) ? r : ((1 + r) / (1 + intraday)) - 1;
                    overnight += weights[i] * moves[i];
                }

                Drift(weights, moves, overnight);
                growth *= 1 + overnight;
                grossGrowth *= 1 + overnight;
                var cost = Execute(data, settings, frictions, t, weights, pending!, trades, ref turnover[d]);
                growth *= 1 - cost;
                pending = null;
            }

            // 2. The rest of the day: stock moves (open-to-close after an open trade), cash interest, borrow fees,
            //    delisting returns (the delisted position then becomes cash).
            var cash = 1.0;
            var day = 0.0;
            for (var i = 0; i < n; i++)
            {
                var w = weights[i];
                cash -= w;
                var r = data.Panel.Returns[row + i];
                var move = double.IsNaN(r) ? 0 : openTrade ? (double.IsNaN(data.IntradayReturns[row + i]) ? 0 : data.IntradayReturns[row + i]) : r;
                var delisting = data.DelistingReturns[row + i];
                if (!double.IsNaN(delisting))
                {
                    move = ((1 + move) * (1 + delisting)) - 1;
                }

                moves[i] = move;
                day += w * move;
                if (w < 0)
                {
                    day += w * borrow;
                }
            }

            day += cash * data.RiskFree[t];
            var inverseNav = 1 / (1 + day);
            for (var i = 0; i < n; i++)
            {
                // Drift; a delisted position becomes cash.
                if (weights[i] != 0)
                {
                    weights[i] = double.IsNaN(data.DelistingReturns[row + i]) ? weights[i] * (1 + moves[i]) * inverseNav : 0;
                }
            }

            growth *= 1 + day;
            grossGrowth *= 1 + day;

            // 3. With NextClose: the waiting order trades at this close.
            if (pending is not null)
            {
                growth *= 1 - Execute(data, settings, frictions, t, weights, pending, trades, ref turnover[d]);
                pending = null;
            }

            returns[d] = growth - 1;
            gross[d] = grossGrowth - 1;
            costs[d] = gross[d] - returns[d];

            // 4. The strategy decides at this close, seeing data up to it.
            var view = new PointInTimeView(data, exposures, strategy.Name, t);
            if (t < last && strategy.RebalancesOn(view))
            {
                pending = (double[])strategy.TargetWeights(view).Clone();
                if (pending.Length != n)
                {
                    throw new InvalidOperationException($"Strategy '{strategy.Name}' returned {pending.Length} weights (need {n}) on {data.Dates[t]:yyyy-MM-dd}.");
                }

                var tomorrow = (t + 1) * n;
                for (var i = 0; i < n; i++)
                {
                    if (!double.IsFinite(pending[i]))
                    {
                        throw new InvalidOperationException($"Strategy '{strategy.Name}' returned weight {pending[i]} for asset {data.Panel.Labels[i]} on {data.Dates[t]:yyyy-MM-dd}.");
                    }

                    if (pending[i] != weights[i] && double.IsNaN(data.Panel.Returns[tomorrow + i]))
                    {
                        pending[i] = weights[i]; // a stock that does not trade tomorrow cannot be traded: keep what is held
                    }
                }
            }

            for (var i = 0; i < n; i++)
            {
                longs[d] += Math.Max(weights[i], 0);
                shorts[d] += Math.Min(weights[i], 0);
            }

            if (settings.RecordTrades && (turnover[d] > 0 || d == 0))
            {
                var held = Enumerable.Range(0, n).Where(i => weights[i] != 0).ToArray();
                positions[data.Dates[t]] = (held, [.. held.Select(i => weights[i])]);
            }

            if (progress is not null && (d % 64 == 0 || t == last))
            {
                progress.Report((double)(d + 1) / days);
            }
        }

        return new BacktestResult(strategy.Name, data.Dates[first..(last + 1)], returns, gross, costs, turnover, longs, shorts, trades, positions);
    }

    /// <summary>Weights after a move: w_i (1 + m_i) / (1 + R), R the portfolio's return over the move (cash included).</summary>
    private static void Drift(double[] weights, double[] moves, double portfolio)
    {
        var nav = 1 + portfolio;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] != 0)
            {
                weights[i] = weights[i] * (1 + moves[i]) / nav;
            }
        }
    }

    /// <summary>Trades from <paramref name="weights"/> to <paramref name="target"/> at session t; returns the cost as a fraction of capital.</summary>
    private static double Execute(BacktestData data, BacktestSettings settings, Frictions? frictions, int t, double[] weights, double[] target, List<Trade> trades, ref double turnover)
    {
        var n = data.Assets;
        var c = settings.Costs;
        var linear = (c.CommissionBps + c.HalfSpreadBps) / 10_000;
        var impact = c.ImpactCoefficient * Math.Sqrt(settings.Capital);
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var delta = target[i] - weights[i];
            if (Math.Abs(delta) < 1e-12)
            {
                continue;
            }

            var size = Math.Abs(delta);
            var cost = linear * size;
            if (frictions is not null)
            {
                cost += impact * frictions.ScaleAt(t, i) * Math.Sqrt(size) * size;
            }

            if (settings.RecordTrades)
            {
                trades.Add(new Trade(data.Dates[t], i, weights[i], target[i], cost));
            }

            turnover += size / 2;
            total += cost;
            weights[i] = target[i];
        }

        // Costs are paid from cash: holdings keep their value while capital shrinks by the cost.
        if (total > 0)
        {
            var scale = 1 / (1 - total);
            for (var i = 0; i < n; i++)
            {
                weights[i] *= scale;
            }
        }

        return total;
    }

    /// <summary>
    /// The impact scale σ / √ADV of each stock before each session (σ the daily return volatility and ADV the mean dollar
    /// volume over the 20 sessions before), computed once per run by running sums over the panel row by row, so that a
    /// trade's impact k σ √(|Δ| C / ADV) |Δ| costs one square root.
    /// </summary>
    private sealed class Frictions
    {
        private const int Window = 20;
        private readonly int _first;
        private readonly int _n;
        private readonly double[] _scale;

        private Frictions(int first, int n, double[] scale)
        {
            _first = first;
            _n = n;
            _scale = scale;
        }

        /// <summary>σ / √ADV of asset i before session t (0 when either is unknown).</summary>
        public double ScaleAt(int t, int i) => _scale[((t - _first) * _n) + i];

        public static Frictions Compute(BacktestData data, int first, int last)
        {
            var n = data.Assets;
            var days = last - first + 1;
            var scale = new double[days * n];
            var sum = new double[n];
            var squares = new double[n];
            var count = new int[n];
            var volume = new double[n];
            var volumeCount = new int[n];
            var returns = data.Panel.Returns;
            var dollars = data.Panel.DollarVolume;
            var inverse = Enumerable.Range(0, Window + 2).Select(c => c == 0 ? 0.0 : 1.0 / c).ToArray();
            var start = Math.Max(0, first - Window);
            for (var t = start; t <= last; t++)
            {
                var row = t * n;
                if (t >= first)
                {
                    var output = (t - first) * n;
                    for (var i = 0; i < n; i++)
                    {
                        var c = count[i];
                        var variance = c > 1 ? (squares[i] - (sum[i] * sum[i] * inverse[c])) * inverse[c - 1] : 0;
                        var meanVolume = volume[i] * inverse[volumeCount[i]];
                        scale[output + i] = variance > 0 && meanVolume > 0 ? Math.Sqrt(variance / meanVolume) : 0;
                    }
                }

                // Add session t, drop session t - Window: the window for t + 1 is sessions t - 19 .. t.
                var old = (t - Window) * n;
                var drop = t - Window >= start;
                for (var i = 0; i < n; i++)
                {
                    var r = returns[row + i];
                    if (!double.IsNaN(r))
                    {
                        sum[i] += r;
                        squares[i] += r * r;
                        count[i]++;
                    }

                    var v = dollars[row + i];
                    if (!double.IsNaN(v))
                    {
                        volume[i] += v;
                        volumeCount[i]++;
                    }

                    if (drop)
                    {
                        var ro = returns[old + i];
                        if (!double.IsNaN(ro))
                        {
                            sum[i] -= ro;
                            squares[i] -= ro * ro;
                            count[i]--;
                        }

                        var vo = dollars[old + i];
                        if (!double.IsNaN(vo))
                        {
                            volume[i] -= vo;
                            volumeCount[i]--;
                        }
                    }
                }
            }

            return new Frictions(first, n, scale);
        }
    }
}
