namespace Research.Data.Providers.Crsp;

/// <summary>One daily return of a security; <paramref name="IsDelisting"/> marks the delisting return row.</summary>
/// <param name="Date">Trading date (or delisting date for the delisting row).</param>
/// <param name="Return">Total return (decimal); the delisting row carries the delisting return.</param>
/// <param name="Price">Absolute CRSP price (CRSP marks bid/ask midpoints with a negative sign); NULL on the delisting row.</param>
/// <param name="IsDelisting">True for the row that applies the delisting return.</param>
/// <param name="DelistingReturnImputed">True when the delisting return was missing and set by the documented rule.</param>
public sealed record CrspReturn(DateOnly Date, double? Return, double? Price, bool IsDelisting, bool DelistingReturnImputed);
