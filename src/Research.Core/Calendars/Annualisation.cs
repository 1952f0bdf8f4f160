namespace Research.Core.Calendars;

/// <summary>
/// The platform's one annualisation convention: 252 trading sessions a year (the NYSE has 250-253; 252 is the
/// industry's convention, empyrical's and pyfolio's). Daily means scale by 252, daily volatilities by √252.
/// Every annualised figure the platform shows uses this constant; nothing else writes 252.
/// </summary>
public static class Annualisation
{
    /// <summary>Trading sessions in a year for annualisation.</summary>
    public const int SessionsPerYear = 252;

    /// <summary>√252, the factor from a daily to an annual volatility.</summary>
    public static readonly double VolatilityScale = Math.Sqrt(SessionsPerYear);

    /// <summary>A daily volatility (standard deviation of daily returns) as an annual one: σ × √252.</summary>
    public static double Volatility(double daily) => daily * VolatilityScale;

    /// <summary>An annual rate spread evenly over the sessions of a year (simple division, as a daily accrual): r / 252.</summary>
    public static double DailyRate(double annual) => annual / SessionsPerYear;
}
