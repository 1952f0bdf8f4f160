namespace Research.Analytics.Alpha;

/// <summary>An IC series summarised: mean, standard deviation (ddof = 1), ICIR = mean / sd (per period, not annualised), the mean's Newey-West t (lag h − 1) and the hit rate (share of dates above zero).</summary>
public sealed record IcSummary(double Mean, double StandardDeviation, double Icir, double NeweyWestT, double HitRate);
