namespace Research.Core.Calendars;

/// <summary>Regular trading hours of one session in exchange local time (America/New_York for NYSE).</summary>
/// <param name="Date">The session date.</param>
/// <param name="Open">Opening time, exchange local.</param>
/// <param name="Close">Closing time, exchange local.</param>
/// <param name="IsEarlyClose">True when the exchange closed before its regular closing time that day.</param>
public sealed record SessionHours(DateOnly Date, TimeOnly Open, TimeOnly Close, bool IsEarlyClose)
{
    /// <summary>Length of the session.</summary>
    public TimeSpan Length => Close - Open;
}
