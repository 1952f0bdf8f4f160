namespace Research.Trading.Tax;

public enum TaxSide
{
    Buy,
    Sell,
}

/// <summary>Which open lots a sale takes (IRS Pub. 550, "Stocks and Bonds: Identifying the shares sold").</summary>
public enum LotMethod
{
    /// <summary>First in, first out: the IRS default when shares cannot be identified.</summary>
    Fifo,

    /// <summary>Last in, first out.</summary>
    Lifo,

    /// <summary>The lots with the highest cost per share first (the least gain or the most loss now).</summary>
    HighestCost,

    /// <summary>The lots the sale names (<see cref="TaxTrade.Picks"/>): adequate identification at the time of sale.</summary>
    SpecificId,
}

/// <summary>A lot named by a sale under specific identification: the buy that opened it and how many of its shares.</summary>
public sealed record LotPick(string BuyId, decimal Quantity);

/// <summary>
/// One trade: a buy opens a lot (basis = quantity × price + fees), a sale closes shares of open lots (proceeds =
/// quantity × price − fees). Quantities are in shares after every split dated on or before the trade's date.
/// </summary>
/// <param name="Id">Unique among the trades; lots and reports name their buy and sale by it.</param>
/// <param name="Picks">Under <see cref="LotMethod.SpecificId"/>, the lots a sale takes (their quantities add up to the sale's).</param>
public sealed record TaxTrade(string Id, string Account, DateOnly Date, string Symbol, TaxSide Side, decimal Quantity, decimal Price, decimal Fees = 0, IReadOnlyList<LotPick>? Picks = null)
{
    /// <summary>
    /// A gateway fill as a trade: id <c>ACCOUNT#SEQUENCE</c>, dated on the New York calendar day of the fill, the fill's
    /// costs as fees (added to a buy's basis, taken from a sale's proceeds).
    /// </summary>
    public static TaxTrade FromFill(string account, long sequence, DateTimeOffset at, string symbol, bool buy, long quantity, double price, double cost) =>
        new($"{account}#{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}", account,
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Research.Core.Calendars.NyseCalendar.TimeZone).DateTime), symbol, buy ? TaxSide.Buy : TaxSide.Sell, quantity, (decimal)price, (decimal)cost);
}

/// <summary>A stock split effective on <see cref="Date"/> (before that day's trades): <see cref="Ratio"/> new shares per old (2 for a 2-for-1, 0.1 for a 1-for-10 reverse split).</summary>
public sealed record StockSplit(DateOnly Date, string Symbol, decimal Ratio);
