namespace Research.Core.Calendars;

/// <summary>A weekday on which the exchange did not trade, and why.</summary>
/// <param name="Date">The closed weekday.</param>
/// <param name="Reason">Holiday or event name, e.g. "Good Friday" or "Hurricane Sandy".</param>
/// <param name="IsSpecial">True for one-off closures (funerals, weather, emergencies) rather than rule-based holidays.</param>
public sealed record MarketClosure(DateOnly Date, string Reason, bool IsSpecial);
