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

    /// <summary>The account's owner (the account itself when not listed).</summary>
    public string OwnerOf(string account) => Owners.TryGetValue(account, out var owner) ? owner : account;

    /// <summary>
    /// A map from each symbol of an equivalence set to the set's name (its first symbol in ordinal order); a symbol in no
    /// set is its own. Two symbols are substantially identical when they map to the same name.
    /// </summary>
    public Func<string, string> IdentityClasses()
    {
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in EquivalentSets)
        {
            var name = set.Order(StringComparer.Ordinal).First();
            foreach (var symbol in set)
            {
                classes[symbol] = name;
            }
        }

        return symbol => classes.TryGetValue(symbol, out var name) ? name : symbol;
    }
}
