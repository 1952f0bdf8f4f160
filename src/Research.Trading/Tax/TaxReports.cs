namespace Research.Trading.Tax;

/// <summary>Short-term (held one year or less) or long-term (more than one year).</summary>
public enum HoldingTerm
{
    ShortTerm,
    LongTerm,
}

/// <summary>
/// An open lot: shares of one buy with their basis. <see cref="HoldingFrom"/> is the day the holding period is counted
/// from (the purchase date, or earlier when a wash sale's holding period was tacked on); <see cref="WashAdjustment"/>
/// is the disallowed loss added to its basis.
/// </summary>
public readonly record struct TaxLot(string Account, string Symbol, string BuyId, DateOnly Acquired, DateOnly HoldingFrom, decimal Quantity, decimal Basis, decimal WashAdjustment)
{
    public decimal BasisPerShare => Quantity == 0 ? 0 : Basis / Quantity;
}

/// <summary>
/// Shares of one lot closed by one sale: a Form 8949 line. <see cref="Disallowed"/> is the part of the loss a wash sale
/// disallowed (column g, positive); <see cref="Gain"/> = proceeds − basis + disallowed (column h).
/// </summary>
public readonly record struct Disposal(
    string Account,
    string Symbol,
    string SaleId,
    string BuyId,
    decimal Quantity,
    DateOnly Acquired,
    DateOnly HoldingFrom,
    DateOnly Sold,
    decimal Proceeds,
    decimal Basis,
    decimal Disallowed,
    HoldingTerm Term)
{
    public decimal Gain => Proceeds - Basis + Disallowed;
}

/// <summary>
/// A loss disallowed by the wash-sale rule (Pub. 550, "Wash Sales"): <see cref="Quantity"/> shares of sale
/// <see cref="SaleId"/> replaced by shares of buy <see cref="ReplacementId"/>; the loss is added to the replacement's
/// basis and <see cref="TackedDays"/> days of holding period are carried over to it.
/// </summary>
public readonly record struct WashSaleAdjustment(string Owner, string SaleId, string SaleAccount, string Symbol, DateOnly Sold, string ReplacementId, string ReplacementAccount, string ReplacementSymbol,
    DateOnly Replaced, decimal Quantity, decimal DisallowedLoss, int TackedDays);

/// <summary>Everything the lot ledger worked out: the lots still open, every disposal, and the wash-sale ledger.</summary>
public sealed record TaxLedgerResult(IReadOnlyList<TaxLot> OpenLots, IReadOnlyList<Disposal> Disposals, IReadOnlyList<WashSaleAdjustment> WashSales);
