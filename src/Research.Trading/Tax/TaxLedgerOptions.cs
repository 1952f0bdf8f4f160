namespace Research.Trading.Tax;

/// <summary>
/// How the ledger is run: the lot method, splits, which accounts belong to one owner (wash sales look across them) and
/// which securities are substantially identical to each other (beyond the same symbol).
/// </summary>
public sealed record TaxLedgerOptions
{
    public LotMethod Method { get; init; } = LotMethod.Fifo;

    public IReadOnlyList<StockSplit> Splits { get; init; } = [];

    /// <summary>Account → owner; an account not listed is its own owner.</summary>
    public IReadOnlyDictionary<string, string> Owners { get; init; } = new Dictionary<string, string>();

    /// <summary>Sets of symbols the owner treats as substantially identical (share classes, a renamed ticker, two funds on one index).</summary>
    public IReadOnlyList<IReadOnlyCollection<string>> EquivalentSets { get; init; } = [];

    /// <summary>Apply the wash-sale rule (on by default; off gives the plain lot arithmetic).</summary>
    public bool WashSales { get; init; } = true;

    /// <summary>The benchmark's baseline: scan every buy of the window and every lot from the oldest on each sale, skipping nothing.</summary>
    public bool Naive { get; init; }
}
