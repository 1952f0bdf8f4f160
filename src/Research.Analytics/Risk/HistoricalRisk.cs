namespace Research.Analytics.Risk;

/// <summary>Historical one-day VaR and ES of the portfolio's systematic returns x·f_t over <see cref="Days"/> stored days.</summary>
public sealed record HistoricalRisk(double ValueAtRisk, double ExpectedShortfall, int Days, DateOnly From, DateOnly To);
