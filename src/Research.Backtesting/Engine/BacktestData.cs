using Research.Analytics.Factors;

namespace Research.Backtesting.Engine;

/// <summary>
/// What a backtest trades on, as dense dates x assets arrays (<c>[t * Assets + i]</c>, NaN = not traded): the
/// close-to-close total return, the open-to-close return of the same day (NaN when no open price: such a day can
/// only be traded at the close), the delisting return on the day a stock leaves, market cap and dollar volume (for
/// impact), and the daily risk-free rate.
/// </summary>
public sealed class BacktestData
{
    public BacktestData(EquityPanel panel, double[] intradayReturns, double[] delistingReturns, double[] riskFree, bool[]? riskFreeKnown = null)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(intradayReturns);
        ArgumentNullException.ThrowIfNull(delistingReturns);
        ArgumentNullException.ThrowIfNull(riskFree);
        panel.Axes.Require(intradayReturns, nameof(intradayReturns));
        panel.Axes.Require(delistingReturns, nameof(delistingReturns));
        if (riskFree.Length != panel.Sessions)
        {
            throw new ArgumentException($"riskFree: {riskFree.Length} values, but the panel has {panel.Sessions} sessions (one risk-free rate per session).", nameof(riskFree));
        }

        Panel = panel;
        IntradayReturns = intradayReturns;
        DelistingReturns = delistingReturns;
        RiskFree = riskFree;
        RiskFreeKnown = riskFreeKnown ?? Enumerable.Repeat(true, riskFree.Length).ToArray();
        if (RiskFreeKnown.Length != riskFree.Length)
        {
            throw new ArgumentException($"riskFreeKnown: {RiskFreeKnown.Length} flags for {riskFree.Length} sessions.", nameof(riskFreeKnown));
        }

        _impactScale = new Lazy<double[]>(ComputeImpactScale, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public EquityPanel Panel { get; }

    public DateOnly[] Dates => Panel.Dates;

    public int Assets => Panel.Assets;

    public int Sessions => Panel.Sessions;

    /// <summary>Open-to-close return of each day (NaN: no open price).</summary>
    public double[] IntradayReturns { get; }

    /// <summary>Delisting return on the stock's delisting date (NaN otherwise); after it the stock is gone.</summary>
    public double[] DelistingReturns { get; }

    /// <summary>Daily simple risk-free rate per session (0 on a session without one: see <see cref="RiskFreeKnown"/>).</summary>
    public double[] RiskFree { get; }

    /// <summary>
    /// Closing and opening prices per cell (|prc| and |openprc| as CRSP has them: not adjusted for splits; NaN when
    /// unknown), for reporting a trade's price and shares; the engine itself runs on returns. Null when the source has
    /// no prices (a returns-only panel).
    /// </summary>
    public (double[] Close, double[] Open)? Prices { get; init; }

    /// <summary>Whether the source had a risk-free rate for each session; a session without one counts it as 0 (cash earns nothing).</summary>
    public bool[] RiskFreeKnown { get; }

    /// <summary>
    /// The square-root impact scale σ / √ADV of each stock before each session (<c>[t * Assets + i]</c>; σ the daily
    /// return volatility and ADV the mean dollar volume over the 20 sessions before t; 0 when either is unknown), so that
    /// a trade's impact k σ √(|Δ| C / ADV) |Δ| costs one square root. A property of the data, not of a strategy: computed
    /// once on first use (running sums row by row) and shared by every run on this data (a walk-forward grid, Monte
    /// Carlo sources, the benchmark).
    /// </summary>
    public double[] ImpactScale => _impactScale.Value;

    private readonly Lazy<double[]> _impactScale;

    /// <summary>Data with no open prices, no delistings and a zero risk-free rate (tests and prices-only files).</summary>
    public static BacktestData FromPanel(EquityPanel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        return new BacktestData(panel, panel.Axes.Missing(), panel.Axes.Missing(), new double[panel.Sessions]);
    }

    private double[] ComputeImpactScale()
    {
        const int Window = 20;
        var n = Assets;
        var scale = new double[Sessions * n];
        var sum = new double[n];
        var squares = new double[n];
        var count = new int[n];
        var volume = new double[n];
        var volumeCount = new int[n];
        var returns = Panel.Returns;
        var dollars = Panel.DollarVolume;
        var inverse = Enumerable.Range(0, Window + 2).Select(c => c == 0 ? 0.0 : 1.0 / c).ToArray();
        for (var t = 0; t < Sessions; t++)
        {
            var row = t * n;
            for (var i = 0; i < n; i++)
            {
                var c = count[i];
                var variance = c > 1 ? (squares[i] - (sum[i] * sum[i] * inverse[c])) * inverse[c - 1] : 0;
                var meanVolume = volume[i] * inverse[volumeCount[i]];
                scale[row + i] = variance > 0 && meanVolume > 0 ? Math.Sqrt(variance / meanVolume) : 0;
            }

            // Add session t, drop session t - Window: the window for t + 1 is sessions t - 19 .. t.
            var old = (t - Window) * n;
            var drop = t >= Window;
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

        return scale;
    }
}
