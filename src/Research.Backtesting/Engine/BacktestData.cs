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
    public BacktestData(EquityPanel panel, double[] intradayReturns, double[] delistingReturns, double[] riskFree)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(intradayReturns);
        ArgumentNullException.ThrowIfNull(delistingReturns);
        ArgumentNullException.ThrowIfNull(riskFree);
        var cells = panel.Sessions * panel.Assets;
        if (intradayReturns.Length != cells || delistingReturns.Length != cells || riskFree.Length != panel.Sessions)
        {
            throw new ArgumentException($"backtest arrays must hold {panel.Sessions} sessions x {panel.Assets} assets and one risk-free rate per session.");
        }

        Panel = panel;
        IntradayReturns = intradayReturns;
        DelistingReturns = delistingReturns;
        RiskFree = riskFree;
    }

    public EquityPanel Panel { get; }

    public DateOnly[] Dates => Panel.Dates;

    public int Assets => Panel.Assets;

    public int Sessions => Panel.Sessions;

    /// <summary>Open-to-close return of each day (NaN: no open price).</summary>
    public double[] IntradayReturns { get; }

    /// <summary>Delisting return on the stock's delisting date (NaN otherwise); after it the stock is gone.</summary>
    public double[] DelistingReturns { get; }

    /// <summary>Daily simple risk-free rate per session.</summary>
    public double[] RiskFree { get; }

    /// <summary>Data with no open prices, no delistings and a zero risk-free rate (tests and prices-only files).</summary>
    public static BacktestData FromPanel(EquityPanel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var cells = panel.Sessions * panel.Assets;
        return new BacktestData(panel, EquityPanel.Missing(cells), EquityPanel.Missing(cells), new double[panel.Sessions]);
    }
}
