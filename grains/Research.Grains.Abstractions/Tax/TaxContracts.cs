namespace Research.Grains.Abstractions.Tax;

/// <summary>
/// Which fills to account for and how: gateway <see cref="Accounts"/>; lot method <c>fifo</c>, <c>lifo</c> or
/// <c>highest-cost</c>; <see cref="OneOwner"/>: the accounts belong to one taxpayer (wash sales look across them);
/// <see cref="Equivalents"/>: sets of symbols treated as substantially identical; <see cref="Year"/>: the tax year of
/// the realised lines and exports (null: every year).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.tax.Query")]
public sealed record TaxQuery(
    [property: Id(0)] string[] Accounts,
    [property: Id(1)] string Method = "fifo",
    [property: Id(2)] int? Year = null,
    [property: Id(3)] bool OneOwner = true,
    [property: Id(4)] string[][]? Equivalents = null);

/// <summary>An open lot (amounts in dollars, exact decimals).</summary>
[GenerateSerializer, Immutable, Alias("research.tax.Lot")]
public sealed record TaxLotRow(
    [property: Id(0)] string Account,
    [property: Id(1)] string Symbol,
    [property: Id(2)] string BuyId,
    [property: Id(3)] DateOnly Acquired,
    [property: Id(4)] DateOnly HoldingFrom,
    [property: Id(5)] decimal Quantity,
    [property: Id(6)] decimal Basis,
    [property: Id(7)] decimal WashAdjustment);

/// <summary>A realised line (Form 8949): proceeds, basis, the disallowed wash-sale loss (column g), the gain and the term.</summary>
[GenerateSerializer, Immutable, Alias("research.tax.Disposal")]
public sealed record TaxDisposalRow(
    [property: Id(0)] string Account,
    [property: Id(1)] string Symbol,
    [property: Id(2)] string SaleId,
    [property: Id(3)] string BuyId,
    [property: Id(4)] decimal Quantity,
    [property: Id(5)] DateOnly Acquired,
    [property: Id(6)] DateOnly Sold,
    [property: Id(7)] decimal Proceeds,
    [property: Id(8)] decimal Basis,
    [property: Id(9)] decimal Disallowed,
    [property: Id(10)] decimal Gain,
    [property: Id(11)] bool LongTerm);

/// <summary>A loss disallowed by the wash-sale rule and the replacement that took it.</summary>
[GenerateSerializer, Immutable, Alias("research.tax.Wash")]
public sealed record TaxWashRow(
    [property: Id(0)] string SaleId,
    [property: Id(1)] string Symbol,
    [property: Id(2)] DateOnly Sold,
    [property: Id(3)] string ReplacementId,
    [property: Id(4)] string ReplacementSymbol,
    [property: Id(5)] DateOnly Replaced,
    [property: Id(6)] decimal Quantity,
    [property: Id(7)] decimal DisallowedLoss,
    [property: Id(8)] int TackedDays);

/// <summary>A tax year's realised gains, short- and long-term (after wash-sale adjustments), and the losses disallowed.</summary>
[GenerateSerializer, Immutable, Alias("research.tax.Year")]
public sealed record TaxYearRow([property: Id(0)] int Year, [property: Id(1)] decimal ShortTerm, [property: Id(2)] decimal LongTerm, [property: Id(3)] decimal Disallowed);

/// <summary>
/// The tax picture of the accounts' fills: open lots, realised lines (of <see cref="TaxQuery.Year"/> when given; at
/// most 2,000, <see cref="DisposalCount"/> says how many there are), the wash-sale ledger, each year's summary, and the
/// harvesting candidates at the prices <see cref="PricesFrom"/> describes.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.tax.View")]
public sealed record TaxView(
    [property: Id(0)] int Trades,
    [property: Id(1)] TaxLotRow[] Lots,
    [property: Id(2)] TaxDisposalRow[] Disposals,
    [property: Id(3)] int DisposalCount,
    [property: Id(4)] TaxWashRow[] WashSales,
    [property: Id(5)] TaxYearRow[] Years,
    [property: Id(6)] TaxHarvestRow[] Harvest,
    [property: Id(7)] string PricesFrom);

/// <summary>
/// A tax-loss harvesting candidate: an open lot below its basis at the last price, the loss a sale today would realise,
/// the owner's recent buys it would wash against (and how many shares), and the first day buying back is safe.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.tax.Harvest")]
public sealed record TaxHarvestRow(
    [property: Id(0)] string Account,
    [property: Id(1)] string Symbol,
    [property: Id(2)] string BuyId,
    [property: Id(3)] decimal Quantity,
    [property: Id(4)] decimal Basis,
    [property: Id(5)] decimal Price,
    [property: Id(6)] decimal Loss,
    [property: Id(7)] bool LongTerm,
    [property: Id(8)] string[] WashingBuys,
    [property: Id(9)] decimal WashedShares,
    [property: Id(10)] DateOnly RebuyFrom);

/// <summary>An export for tax software: Form 8949-style CSV or TXF.</summary>
[GenerateSerializer, Immutable, Alias("research.tax.Export")]
public sealed record TaxExportFile([property: Id(0)] string FileName, [property: Id(1)] string ContentType, [property: Id(2)] string Text, [property: Id(3)] int Lines);
