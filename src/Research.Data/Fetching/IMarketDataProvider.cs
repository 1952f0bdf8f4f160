namespace Research.Data.Fetching;

/// <summary>
/// The contract every daily data source implements (CRSP in the warehouse, Yahoo's chart endpoint with its cache, the
/// synthetic market), so research code asks for prices without knowing where they come from (ADR 0007).
/// A provider that has nothing for a symbol throws <see cref="SymbolNotFoundException"/>; any other failure is its own
/// exception, with the symbol in the message.
/// </summary>
public interface IMarketDataProvider
{
    /// <summary>Short name recorded beside every row it serves: <c>crsp</c>, <c>yahoo</c>, <c>cache</c>, <c>synthetic</c>.</summary>
    string Name { get; }

    /// <summary>Daily bars with total and price returns and corporate actions of <paramref name="symbol"/>, both ends included.</summary>
    Task<PriceHistory> DailyAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>
    /// The symbols the provider knows on <paramref name="date"/>. CRSP and the synthetic market answer point in time
    /// (listed that day); Yahoo has no universe and answers with its configured symbols (survivors: say so).
    /// </summary>
    Task<IReadOnlyList<string>> UniverseAsync(DateOnly date, CancellationToken cancellationToken = default);
}
