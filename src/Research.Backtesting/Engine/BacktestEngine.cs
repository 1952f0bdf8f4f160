using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Research.Analytics.Factors;
using Research.Core.Calendars;

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

    /// <summary>Annual fee for borrowing stock, in basis points of the short value (charged daily, over Annualisation.SessionsPerYear sessions).</summary>
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
/// <param name="Value">Dollars traded, signed (a buy positive): (After − Before) x the capital at the trade, which is the
/// starting capital grown by the run's returns up to the trade.</param>
/// <param name="Realized">P&amp;L in dollars the trade realised: the share of the position's open P&amp;L it closed.</param>
public readonly record struct Trade(DateOnly Date, int Asset, double Before, double After, double Cost, double Value, double Realized);

/// <summary>
/// The outputs of a run. <see cref="LongContribution"/> and <see cref="ShortContribution"/> are each leg's share of
/// the day's gross return (Σ w m over the positions with w &gt; 0, and with w &lt; 0, as fractions of the day's starting
/// capital); the rest of the gross return is cash interest and borrow fees. <see cref="SecurityPnl"/> is each panel
/// asset's profit or loss in dollars over the run (Σ over days of w m x the capital then: its price move and delisting
/// return, not costs, borrow or cash).
/// </summary>
public sealed record BacktestResult(
    string Strategy,
    DateOnly[] Dates,
    double[] Returns,
    double[] GrossReturns,
    double[] Costs,
    double[] Turnover,
    double[] LongExposure,
    double[] ShortExposure,
    double[] LongContribution,
    double[] ShortContribution,
    TradeLog Trades,
    PositionLog Positions,
    double[] SecurityPnl)
{
    /// <summary>
    /// Gives the memory of the trades and positions to the next run in this process, once they have been stored or
    /// read; reading them after throws <see cref="ObjectDisposedException"/>. Optional: a result never released is
    /// collected as usual.
    /// </summary>
    public void Release()
    {
        Trades.Release();
        Positions.Release();
    }
}

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // straight to optimised code: no slow first tier in a cold run
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
        var legLong = new double[days];
        var legShort = new double[days];
        var pnl = new double[n];
        var trades = new TradeLog(data.Dates);
        var positions = new PositionLog(data.Dates);
        var capital = settings.Capital; // dollars now: the starting capital grown by the returns so far
        (double[] Before, double[] Cost, double[] Realized) scratch = settings.RecordTrades ? (new double[n], new double[n], new double[n]) : ([], [], []);
        var realizedBasis = new double[n]; // per asset: the part of its P&L already realised by trades
        var frictions = settings.Costs.ImpactCoefficient > 0 ? data.ImpactScale : null;
        var borrow = Annualisation.DailyRate(settings.Costs.BorrowBps / 10_000);
        var moves = new double[n];
        var target = new double[n];
        var returnsPanel = data.Panel.Returns;
        var delistings = data.DelistingReturns;
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
                    var (r, intraday) = (returnsPanel[row + i], data.IntradayReturns[row + i]);
                    moves[i] = double.IsNaN(r) ? 0 : double.IsNaN(intraday) ? r : ((1 + r) / (1 + intraday)) - 1;
                    overnight += weights[i] * moves[i];
                }

                (legLong[d], legShort[d]) = Legs(weights, moves, pnl, capital);
                Drift(weights, moves, overnight);
                growth *= 1 + overnight;
                grossGrowth *= 1 + overnight;
                var cost = Execute(data, settings, frictions, t, weights, pending!, trades, scratch, (pnl, realizedBasis), capital * growth, ref turnover[d]);
                growth *= 1 - cost;
                pending = null;
            }

            // 2. The rest of the day: stock moves (open-to-close after an open trade), cash interest, borrow fees,
            //    delisting returns (the delisted position then becomes cash). moves[i] becomes the drift factor.
            var (day, dayLong, dayShort) = openTrade
                ? DayAfterOpenTrade(data, row, weights, moves, borrow, pnl, capital * growth)
                : Day(returnsPanel.AsSpan(row, n), delistings.AsSpan(row, n), weights, moves, borrow, data.RiskFree[t], pnl, capital);
            legLong[d] += grossGrowth * dayLong;
            legShort[d] += grossGrowth * dayShort;

            // Drift; a delisted position becomes cash.
            DriftByFactors(weights, moves, 1 / (1 + day));
            growth *= 1 + day;
            grossGrowth *= 1 + day;

            // 3. With NextClose: the waiting order trades at this close.
            if (pending is not null)
            {
                growth *= 1 - Execute(data, settings, frictions, t, weights, pending, trades, scratch, (pnl, realizedBasis), capital * growth, ref turnover[d]);
                pending = null;
            }

            returns[d] = growth - 1;
            capital *= growth;
            gross[d] = grossGrowth - 1;
            costs[d] = gross[d] - returns[d];

            // 4. The strategy decides at this close, seeing data up to it.
            var view = new PointInTimeView(data, exposures, strategy.Name, t);
            if (t < last && strategy.RebalancesOn(view))
            {
                var decided = strategy.TargetWeights(view);
                if (decided.Length != n)
                {
                    throw new InvalidOperationException($"Strategy '{strategy.Name}' returned {decided.Length} weights (need {n}) on {data.Dates[t]:yyyy-MM-dd}.");
                }

                decided.AsSpan().CopyTo(target);
                pending = target;
                var tomorrow = returnsPanel.AsSpan((t + 1) * n, n);
                var width = Vector<double>.Count;
                var start = 0;
                for (; start <= n - width; start += width)
                {
                    // Fast path: all finite targets and every stock trades tomorrow; otherwise the lanes are checked one by one below.
                    var w = new Vector<double>(pending, start);
                    var r = new Vector<double>(tomorrow[start..]);
                    if (!Vector.EqualsAll(w - w, Vector<double>.Zero) || !Vector.EqualsAll(r, r))
                    {
                        break;
                    }
                }

                for (var i = start; i < n; i++)
                {
                    var w = pending[i];
                    if (!double.IsFinite(w))
                    {
                        throw new InvalidOperationException($"Strategy '{strategy.Name}' returned weight {w} for asset {data.Panel.Labels[i]} on {data.Dates[t]:yyyy-MM-dd}.");
                    }

                    if (double.IsNaN(tomorrow[i]) && w != weights[i])
                    {
                        pending[i] = weights[i]; // a stock that does not trade tomorrow cannot be traded: keep what is held
                    }
                }
            }

            (longs[d], shorts[d]) = Exposure(weights);
            if (settings.RecordTrades && (turnover[d] > 0 || d == 0))
            {
                positions.Record(t, weights);
            }

            if (progress is not null && (d % 64 == 0 || t == last))
            {
                progress.Report((double)(d + 1) / days);
            }
        }

        return new BacktestResult(strategy.Name, data.Dates[first..(last + 1)], returns, gross, costs, turnover, longs, shorts, legLong, legShort, trades, positions, pnl);
    }

    /// <summary>
    /// The day's portfolio return at the close without an open trade, vectorised over assets: Σ w_i m_i (m the return,
    /// 0 when missing; compounded with a delisting return) + borrow on shorts + the risk-free rate on cash (1 − Σ w).
    /// Leaves in <paramref name="factors"/> the drift factor 1 + m_i, or 0 for a delisted stock. Also returns the long
    /// and the short legs' Σ w_i m_i.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Day, double Long, double Short) Day(ReadOnlySpan<double> returns, ReadOnlySpan<double> delistings, double[] weights, double[] factors, double borrow, double riskFree, double[] pnl, double dollars)
    {
        var vDollars = new Vector<double>(dollars);
        var n = weights.Length;
        var width = Vector<double>.Count;
        var one = Vector<double>.One;
        var zero = Vector<double>.Zero;
        var sumW = zero;
        var sumWm = zero;
        var sumShort = zero;
        var sumLongWm = zero;
        var i = 0;
        for (; i <= n - width; i += width)
        {
            var r = new Vector<double>(returns[i..]);
            var m = Vector.ConditionalSelect(Vector.Equals(r, r), r, zero);
            var dl = new Vector<double>(delistings[i..]);
            var delisted = Vector.Equals(dl, dl);
            var move = Vector.ConditionalSelect(delisted, ((one + m) * (one + dl)) - one, m);
            var w = new Vector<double>(weights, i);
            sumW += w;
            var contribution = w * move;
            sumWm += contribution;
            sumLongWm += Vector.Max(w, zero) * move;
            (new Vector<double>(pnl, i) + (contribution * vDollars)).CopyTo(pnl, i);
            sumShort += Vector.Min(w, zero);
            Vector.ConditionalSelect(delisted, zero, one + move).CopyTo(factors, i);
        }

        double cash = 1 - Vector.Sum(sumW), day = Vector.Sum(sumWm), shorts = Vector.Sum(sumShort), longLeg = Vector.Sum(sumLongWm);
        for (; i < n; i++)
        {
            var w = weights[i];
            var r = returns[i];
            var move = double.IsNaN(r) ? 0 : r;
            var dl = delistings[i];
            if (!double.IsNaN(dl))
            {
                move = ((1 + move) * (1 + dl)) - 1;
            }

            cash -= w;
            day += w * move;
            pnl[i] += w * move * dollars;
            longLeg += Math.Max(w, 0) * move;
            shorts += Math.Min(w, 0);
            factors[i] = double.IsNaN(dl) ? 1 + move : 0;
        }

        return (day + (shorts * borrow) + (cash * riskFree), longLeg, day - longLeg);
    }

    /// <summary>As <see cref="Day"/> after a trade at the open: stocks earn the open-to-close move (0 without an open price).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Day, double Long, double Short) DayAfterOpenTrade(BacktestData data, int row, double[] weights, double[] factors, double borrow, double[] pnl, double dollars)
    {
        var cash = 1.0;
        var day = 0.0;
        var (longLeg, shortLeg) = (0.0, 0.0);
        for (var i = 0; i < weights.Length; i++)
        {
            var w = weights[i];
            cash -= w;
            var r = data.Panel.Returns[row + i];
            var intraday = data.IntradayReturns[row + i];
            var move = double.IsNaN(r) || double.IsNaN(intraday) ? 0 : intraday;
            var delisting = data.DelistingReturns[row + i];
            if (!double.IsNaN(delisting))
            {
                move = ((1 + move) * (1 + delisting)) - 1;
            }

            day += w * move;
            pnl[i] += w * move * dollars;
            if (w < 0)
            {
                day += w * borrow;
                shortLeg += w * move;
            }
            else
            {
                longLeg += w * move;
            }

            factors[i] = double.IsNaN(delisting) ? 1 + move : 0;
        }

        return (day + (cash * data.RiskFree[row / weights.Length]), longLeg, shortLeg);
    }

    /// <summary>The long and the short legs' Σ w_i m_i over a move (the overnight move before an open trade); adds each asset's dollars to <paramref name="pnl"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Long, double Short) Legs(double[] weights, double[] moves, double[] pnl, double dollars)
    {
        var (longLeg, shortLeg) = (0.0, 0.0);
        for (var i = 0; i < weights.Length; i++)
        {
            var c = weights[i] * moves[i];
            pnl[i] += c * dollars;
            if (weights[i] > 0)
            {
                longLeg += c;
            }
            else
            {
                shortLeg += c;
            }
        }

        return (longLeg, shortLeg);
    }

    /// <summary>w_i ← (w_i f_i) / (1 + R) in one vectorised pass (f the drift factor, 0 for a delisted stock).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DriftByFactors(double[] weights, double[] factors, double inverseNav)
    {
        var width = Vector<double>.Count;
        var scale = new Vector<double>(inverseNav);
        var i = 0;
        for (; i <= weights.Length - width; i += width)
        {
            (new Vector<double>(weights, i) * new Vector<double>(factors, i) * scale).CopyTo(weights, i);
        }

        for (; i < weights.Length; i++)
        {
            weights[i] = weights[i] * factors[i] * inverseNav;
        }
    }

    /// <summary>Long (Σ max(w, 0)) and short (Σ min(w, 0)) exposure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Long, double Short) Exposure(double[] weights)
    {
        var width = Vector<double>.Count;
        var longs = Vector<double>.Zero;
        var shorts = Vector<double>.Zero;
        var i = 0;
        for (; i <= weights.Length - width; i += width)
        {
            var w = new Vector<double>(weights, i);
            longs += Vector.Max(w, Vector<double>.Zero);
            shorts += Vector.Min(w, Vector<double>.Zero);
        }

        double l = Vector.Sum(longs), s = Vector.Sum(shorts);
        for (; i < weights.Length; i++)
        {
            l += Math.Max(weights[i], 0);
            s += Math.Min(weights[i], 0);
        }

        return (l, s);
    }

    /// <summary>Weights after a move: w_i (1 + m_i) / (1 + R), R the portfolio's return over the move (cash included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// Trades from <paramref name="weights"/> to <paramref name="target"/> at session t, vectorised over assets (a lane
    /// trades when |target − weight| ≥ 1e-12). When the settings keep trades, each lane's weight before and cost go to
    /// <paramref name="scratch"/> and a second pass writes every asset's row into the log, keeping (advancing past) only
    /// the traded ones: no branch per asset. <paramref name="dollars"/> is the capital at the trade. A trade that
    /// shrinks a position realises the same share of the position's open P&amp;L (its P&amp;L to date less what earlier
    /// trades realised: average-cost accounting in return space); one that closes or flips it realises all of it; one
    /// that opens or adds realises nothing. Returns the cost as a fraction of capital.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Execute(BacktestData data, BacktestSettings settings, double[]? frictions, int t, double[] weights, double[] target, TradeLog trades, (double[] Before, double[] Cost, double[] Realized) scratch,
        (double[] Total, double[] Realized) pnl, double dollars, ref double turnover)
    {
        var n = data.Assets;
        var c = settings.Costs;
        var linear = (c.CommissionBps + c.HalfSpreadBps) / 10_000;
        var impact = c.ImpactCoefficient * Math.Sqrt(settings.Capital);
        var scale = frictions is null ? default : frictions.AsSpan(t * n, n);
        var record = settings.RecordTrades;
        var width = Vector<double>.Count;
        var (vLinear, vImpact, minimum, zero, one) = (new Vector<double>(linear), new Vector<double>(impact), new Vector<double>(1e-12), Vector<double>.Zero, Vector<double>.One);
        var (toDate, basis) = pnl;
        var (sumCost, sumSize) = (zero, zero);
        var i = 0;
        for (; i <= n - width; i += width)
        {
            var w = new Vector<double>(weights, i);
            var goal = new Vector<double>(target, i);
            var size = Vector.Abs(goal - w);
            var moving = Vector.GreaterThanOrEqual(size, minimum);
            var cost = vLinear * size;
            if (!scale.IsEmpty)
            {
                cost += vImpact * new Vector<double>(scale[i..]) * Vector.SquareRoot(size) * size;
            }

            cost = Vector.ConditionalSelect(moving, cost, zero);
            sumCost += cost;
            sumSize += Vector.ConditionalSelect(moving, size, zero);
            if (record)
            {
                w.CopyTo(scratch.Before, i);
                cost.CopyTo(scratch.Cost, i);

                // The share of the open P&L realised: 0 when opening or adding, 1 when closing or flipping, else the
                // share the position shrank (the masks keep 0/0 and x/0 out of the result).
                var shrink = Vector.Max(zero, one - (Vector.Abs(goal) / Vector.Abs(w)));
                var share = Vector.ConditionalSelect(Vector.LessThanOrEqual(w * goal, zero), one, shrink);
                share = Vector.ConditionalSelect(Vector.Equals(w, zero) | ~moving, zero, share);
                var held = new Vector<double>(basis, i);
                var gain = (new Vector<double>(toDate, i) - held) * share;
                gain.CopyTo(scratch.Realized, i);
                (held + gain).CopyTo(basis, i);
            }

            Vector.ConditionalSelect(moving, goal, w).CopyTo(weights, i);
        }

        var total = Vector.Sum(sumCost);
        var tradedSize = Vector.Sum(sumSize);
        for (; i < n; i++)
        {
            var w = weights[i];
            var size = Math.Abs(target[i] - w);
            var cost = size < 1e-12 ? 0 : (linear * size) + (scale.IsEmpty ? 0 : impact * scale[i] * Math.Sqrt(size) * size);
            if (record)
            {
                var share = w == 0 || size < 1e-12 ? 0 : w * target[i] <= 0 ? 1 : Math.Max(0, 1 - (Math.Abs(target[i]) / Math.Abs(w)));
                var gain = (toDate[i] - basis[i]) * share;
                (scratch.Before[i], scratch.Cost[i], scratch.Realized[i]) = (w, cost, gain);
                basis[i] += gain;
            }

            if (size >= 1e-12)
            {
                tradedSize += size;
                total += cost;
                weights[i] = target[i];
            }
        }

        if (record)
        {
            var block = trades.Reserve(n);
            var (assets, before, after, costs, realized) = (block.Assets, block.Before, block.After, block.Cost, block.Realized);
            var at = block.Count;
            for (var k = 0; k < n; k++)
            {
                var (from, to) = (scratch.Before[k], target[k]);
                assets[at] = k;
                before[at] = from;
                after[at] = to;
                costs[at] = scratch.Cost[k];
                realized[at] = scratch.Realized[k];
                at += Math.Abs(to - from) >= 1e-12 ? 1 : 0;
            }

            trades.Commit(block, at - block.Count, t, dollars);
        }

        turnover += tradedSize / 2;

        // Costs are paid from cash: holdings keep their value while capital shrinks by the cost.
        if (total > 0)
        {
            TensorPrimitives.Multiply(weights, 1 / (1 - total), weights);
        }

        return total;
    }
}
