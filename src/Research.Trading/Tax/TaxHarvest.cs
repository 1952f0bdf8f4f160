namespace Research.Trading.Tax;

/// <summary>A lot whose sale now would realise a loss, and what stands in the way of deducting it.</summary>
/// <param name="WashingBuys">The owner's buys of substantially identical securities in the 30 days before <c>asOf</c> with shares that would replace this lot's (selling now washes that much of the loss).</param>
/// <param name="RebuyFrom">The first day a repurchase no longer washes the loss (31 days after a sale today).</param>
/// <param name="Replacements">Securities that track this one without being substantially identical, best first (the caller's measure).</param>
public sealed record HarvestCandidate(TaxLot Lot, decimal Price, decimal Value, decimal Loss, HoldingTerm Term, IReadOnlyList<string> WashingBuys, decimal WashedShares, DateOnly RebuyFrom,
    IReadOnlyList<(string Symbol, double Similarity)> Replacements);

/// <summary>
/// Tax-loss harvesting candidates: open lots below their basis at today's prices, largest loss first; for each, whether
/// a sale today would be a wash sale (the owner bought substantially identical shares in the last 30 days that are still
/// held and not already replacements), when buying back becomes safe, and replacements the caller ranks (for example by
/// the risk model's exposures) that are not in the lot's equivalence set.
/// </summary>
public static class TaxHarvest
{
    public static IReadOnlyList<HarvestCandidate> Suggest(TaxLedgerResult ledger, IReadOnlyDictionary<string, decimal> prices, DateOnly asOf, TaxLedgerOptions? options = null,
        Func<string, IReadOnlyList<(string Symbol, double Similarity)>>? replacements = null, decimal minimumLoss = 0)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(prices);
        options ??= new TaxLedgerOptions();
        var identity = options.IdentityClasses();

        // The owner's recent ordinary (unreplaced) lots per class of identical securities, gathered once.
        var recent = ledger.OpenLots.Where(l => l.WashAdjustment == 0 && l.Acquired > asOf.AddDays(-31) && l.Acquired <= asOf)
            .ToLookup(l => (options.OwnerOf(l.Account), identity(l.Symbol)));
        var result = new List<HarvestCandidate>();
        foreach (var lot in ledger.OpenLots)
        {
            if (!prices.TryGetValue(lot.Symbol, out var price))
            {
                continue;
            }

            var value = lot.Quantity * price;
            var loss = lot.Basis - value;
            if (loss <= minimumLoss)
            {
                continue;
            }

            var washing = recent[(options.OwnerOf(lot.Account), identity(lot.Symbol))].Where(l => l.BuyId != lot.BuyId).ToList();
            var candidates = replacements?.Invoke(lot.Symbol).Where(r => identity(r.Symbol) != identity(lot.Symbol)).Take(5).ToList() ?? [];
            result.Add(new HarvestCandidate(lot, price, value, loss, LotLedger.Term(lot.HoldingFrom, asOf), [.. washing.Select(l => l.BuyId).Distinct()],
                Math.Min(lot.Quantity, washing.Sum(l => l.Quantity)), asOf.AddDays(31), candidates));
        }

        return [.. result.OrderByDescending(c => c.Loss)];
    }
}
