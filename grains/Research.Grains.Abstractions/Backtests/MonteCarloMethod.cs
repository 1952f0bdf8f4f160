namespace Research.Grains.Abstractions.Backtests;

/// <summary>How a Monte Carlo resamples a backtest's daily returns (wire names <c>bootstrap</c>, <c>trades</c>, <c>shuffle</c>).</summary>
public enum MonteCarloMethod
{
    /// <summary>Stationary block bootstrap (Politis and Romano 1994) with a geometric mean block length.</summary>
    Bootstrap = 0,

    /// <summary>Whole holding periods between trade dates, drawn with replacement.</summary>
    Trades = 1,

    /// <summary>A permutation of the days (same returns, new order).</summary>
    Shuffle = 2,
}
