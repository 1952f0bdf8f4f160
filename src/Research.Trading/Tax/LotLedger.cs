using System.Runtime.InteropServices;

namespace Research.Trading.Tax;

/// <summary>
/// Tax lots, realised gains and wash sales from a sequence of trades (IRS Publication 550, "Basis of Investment
/// Property", "Holding Period" and "Wash Sales"; Treas. Reg. §1.1091-1).
///
/// 1. Trades run in date order (the input order within a day); a split takes effect before its day's trades and
///    multiplies every open lot's shares, keeping its basis.
/// 2. A buy opens a lot: basis = quantity × price + fees, held from the day after the purchase.
/// 3. A sale takes shares of the account's open lots of the symbol by the lot method; each lot's share of the sale
///    is a disposal: proceeds (quantity × price − fees, pro rata), basis (pro rata, adjustments included), long-term
///    when sold more than one year after the holding period's start (counted from the day after it).
/// 4. A disposal at a loss is a wash sale to the extent the owner (any of its accounts) acquired substantially identical
///    shares within 30 days before or after the sale: the loss on that many shares is disallowed and added to the
///    replacement shares' basis, and the sold shares' holding period is tacked onto theirs. Replacement shares are taken
///    in the order they were acquired (§1.1091-1(c)), each share once; shares already sold before the loss sale are not
///    replacements, nor are shares sold by the same sale or other shares of the very lot being sold (Rev. Rul.
///    56-602). Fewer replacement shares than shares sold disallow the loss on that many shares only (the rest stays
///    deductible).
/// A replacement bought after the sale gets its adjustment when its buy runs. Amounts are kept unrounded; exports
/// round to cents.
/// </summary>
public static class LotLedger
{
    public static TaxLedgerResult Run(IEnumerable<TaxTrade> trades, TaxLedgerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trades);
        options ??= new TaxLedgerOptions();
        var run = new LedgerRun(options);
        run.Load(trades);
        run.Execute();
        return run.Result();
    }

    /// <summary>Whether shares held from <paramref name="holdingFrom"/> and sold on <paramref name="sold"/> were held more than one year.</summary>
    public static HoldingTerm Term(DateOnly holdingFrom, DateOnly sold) => sold > holdingFrom.AddYears(1) ? HoldingTerm.LongTerm : HoldingTerm.ShortTerm;

    /// <summary><paramref name="amount"/> × <paramref name="part"/> / <paramref name="whole"/>, without the (slow) division when the part is all or nothing of it.</summary>
    private static decimal Share(decimal amount, decimal part, decimal whole) => part == whole ? amount : amount == 0 || part == 0 ? 0 : amount * part / whole;

    /// <summary>One slice of a lot with one basis per share and one holding period (a wash adjustment splits a lot).</summary>
    private struct Tranche(decimal quantity, decimal basis, decimal wash, DateOnly holdingFrom, bool replaced)
    {
        public decimal Quantity = quantity;
        public decimal Basis = basis;
        public decimal Wash = wash;
        public DateOnly HoldingFrom = holdingFrom;
        public readonly bool Replaced = replaced;
    }

    private sealed class Buy(TaxTrade trade, int sequence, WashGroup group)
    {
        public readonly TaxTrade Trade = trade;
        public readonly int Sequence = sequence;
        public readonly WashGroup Group = group;
        public readonly List<Tranche> Tranches = new(1);
        public List<(decimal Quantity, decimal Loss, int Tack)>? Pending;
        public decimal PendingQuantity;
        public bool Happened;
        public decimal Open;
        public decimal OpenUnreplaced;
        public int GroupIndex;

        /// <summary>Shares that may still serve as replacements: open ones not yet used, or (before the buy runs) those not yet promised.</summary>
        public decimal Capacity => Happened ? OpenUnreplaced : Trade.Quantity - PendingQuantity;

        public decimal BasisPerShare => Open == 0 ? 0 : Tranches.Sum(t => t.Basis) / Open;
    }

    /// <summary>An account's holding of one symbol: its buys in acquisition order, the first that may still be open, the shares held.</summary>
    private sealed class Position(string symbol)
    {
        public readonly string Symbol = symbol;
        public readonly List<Buy> Buys = [];
        public int Head;
        public decimal Held;
    }

    /// <summary>The buys of one owner's substantially identical securities by date, with a skip list over those that can never replace again.</summary>
    private sealed class WashGroup(string owner)
    {
        public readonly string Owner = owner;
        public readonly List<Buy> Buys = [];
        public int[] Next = [];

        public int Find(int i)
        {
            var root = i;
            while (root < Next.Length && Next[root] != root)
            {
                root = Next[root];
            }

            while (i < Next.Length && Next[i] != i)
            {
                (Next[i], i) = (root, Next[i]);
            }

            return root;
        }

        public void Kill(int i) => Next[i] = i + 1;
    }

    private sealed class LedgerRun(TaxLedgerOptions options)
    {
        private readonly List<TaxTrade> _trades = [];
        private readonly Dictionary<string, Buy> _buys = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Account, string Symbol), Position> _positions = [];
        private readonly Dictionary<(string Owner, string Class), WashGroup> _groups = [];
        private Position[] _positionOf = [];
        private Buy?[] _buyAt = [];
        private readonly AppendOnlyList<Disposal> _disposals = new();
        private readonly AppendOnlyList<WashSaleAdjustment> _washes = new();
        private readonly Func<string, string> _class = options.IdentityClasses();
        private readonly List<(Buy Buy, decimal Quantity, decimal Basis, DateOnly HoldingFrom)> _parts = [];
        private readonly List<(Buy Buy, decimal Quantity)> _chosen = [];

        public void Load(IEnumerable<TaxTrade> trades)
        {
            var ids = new HashSet<string>(trades is ICollection<TaxTrade> c0 ? c0.Count : 0, StringComparer.Ordinal);
            _trades.Capacity = trades is ICollection<TaxTrade> c1 ? c1.Count : 0;
            var sorted = true;
            foreach (var t in trades)
            {
                Validate(t, ids);
                sorted &= _trades.Count == 0 || _trades[^1].Date <= t.Date;
                _trades.Add(t);
            }

            if (!sorted)
            {
                // Stable by date: the input order stands within a day.
                var ordered = _trades.Select((t, i) => (t, i)).OrderBy(p => p.t.Date).ThenBy(p => p.i).Select(p => p.t).ToList();
                _trades.Clear();
                _trades.AddRange(ordered);
            }
            // Every key is resolved once here; the run itself follows references.
            (_positionOf, _buyAt) = (new Position[_trades.Count], new Buy?[_trades.Count]);
            for (var i = 0; i < _trades.Count; i++)
            {
                var t = _trades[i];
                if (!_positions.TryGetValue((t.Account, t.Symbol), out var position))
                {
                    _positions[(t.Account, t.Symbol)] = position = new Position(t.Symbol);
                }

                _positionOf[i] = position;
                if (t.Side == TaxSide.Buy)
                {
                    var key = (options.OwnerOf(t.Account), _class(t.Symbol));
                    if (!_groups.TryGetValue(key, out var group))
                    {
                        _groups[key] = group = new WashGroup(key.Item1);
                    }

                    var buy = new Buy(t, i, group) { GroupIndex = group.Buys.Count };
                    group.Buys.Add(buy);
                    _buyAt[i] = buy;
                    if (options.Method == LotMethod.SpecificId)
                    {
                        _buys[t.Id] = buy;
                    }
                }
            }

            foreach (var group in _groups.Values)
            {
                group.Next = [.. Enumerable.Range(0, group.Buys.Count + 1)];
            }
        }

        public void Execute()
        {
            var splits = options.Splits.OrderBy(s => s.Date).ToList();
            var nextSplit = 0;
            for (var i = 0; i < _trades.Count; i++)
            {
                var trade = _trades[i];
                for (; nextSplit < splits.Count && splits[nextSplit].Date <= trade.Date; nextSplit++)
                {
                    ApplySplit(splits[nextSplit]);
                }

                if (_buyAt[i] is { } buy)
                {
                    Open(buy, _positionOf[i]);
                }
                else
                {
                    Sell(trade, _positionOf[i]);
                }
            }

            for (; nextSplit < splits.Count; nextSplit++)
            {
                ApplySplit(splits[nextSplit]);
            }
        }

        public TaxLedgerResult Result()
        {
            // By account and symbol; within a position its buys are already in acquisition order.
            var open = new List<TaxLot>();
            foreach (var ((account, symbol), position) in _positions.OrderBy(p => p.Key.Account, StringComparer.Ordinal).ThenBy(p => p.Key.Symbol, StringComparer.Ordinal))
            {
                for (var i = position.Head; i < position.Buys.Count; i++)
                {
                    var b = position.Buys[i];
                    foreach (var t in b.Tranches)
                    {
                        if (t.Quantity > 0)
                        {
                            open.Add(new TaxLot(account, symbol, b.Trade.Id, b.Trade.Date, t.HoldingFrom, t.Quantity, t.Basis, t.Wash));
                        }
                    }
                }
            }

            return new TaxLedgerResult(open, _disposals, _washes);
        }

        private static void Validate(TaxTrade t, HashSet<string> ids)
        {
            ArgumentNullException.ThrowIfNull(t);
            string? problem = string.IsNullOrWhiteSpace(t.Id) ? "has no id"
                : !ids.Add(t.Id) ? "repeats an id used by an earlier trade"
                : string.IsNullOrWhiteSpace(t.Account) ? "has no account"
                : string.IsNullOrWhiteSpace(t.Symbol) ? "has no symbol"
                : t.Quantity <= 0 ? $"has quantity {t.Quantity}: it must be positive"
                : t.Price < 0 ? $"has price {t.Price}: it must not be negative"
                : t.Fees < 0 ? $"has fees {t.Fees}: they must not be negative"
                : t.Picks is { Count: > 0 } picks && picks.Sum(p => p.Quantity) != t.Quantity ? $"names lots for {picks.Sum(p => p.Quantity)} shares but sells {t.Quantity}"
                : null;
            if (problem is not null)
            {
                throw new InvalidDataException($"trade {t.Id} ({t.Date:yyyy-MM-dd} {t.Account} {t.Side.ToString().ToLowerInvariant()} {t.Quantity} {t.Symbol}) {problem}.");
            }
        }

        private void ApplySplit(StockSplit split)
        {
            if (split.Ratio <= 0)
            {
                throw new InvalidDataException($"split of {split.Symbol} on {split.Date:yyyy-MM-dd} has ratio {split.Ratio}: it must be positive.");
            }

            foreach (var position in _positions.Values)
            {
                if (position.Symbol != split.Symbol)
                {
                    continue;
                }

                position.Held *= split.Ratio;
                foreach (var buy in position.Buys.Where(b => b.Open > 0))
                {
                    foreach (ref var t in CollectionsMarshal.AsSpan(buy.Tranches))
                    {
                        t.Quantity *= split.Ratio;
                    }

                    buy.Open *= split.Ratio;
                    buy.OpenUnreplaced *= split.Ratio;
                }
            }
        }

        private static void Open(Buy buy, Position position)
        {
            var t = buy.Trade;
            var fullBasis = (t.Quantity * t.Price) + t.Fees;
            var left = t.Quantity;
            if (buy.Pending is { } pending)
            {
                foreach (var (quantity, loss, tack) in pending)
                {
                    buy.Tranches.Add(new Tranche(quantity, Share(fullBasis, quantity, t.Quantity) + loss, loss, t.Date.AddDays(-tack), replaced: true));
                    left -= quantity;
                }
            }

            if (left > 0)
            {
                buy.Tranches.Add(new Tranche(left, Share(fullBasis, left, t.Quantity), 0, t.Date, replaced: false));
            }

            (buy.Happened, buy.Open, buy.OpenUnreplaced, buy.Pending) = (true, t.Quantity, left, null);
            position.Held += t.Quantity;
            position.Buys.Add(buy);
        }

        private void Sell(TaxTrade sale, Position position)
        {
            var held = position.Held;
            if (held < sale.Quantity)
            {
                throw new InvalidDataException($"trade {sale.Id} ({sale.Date:yyyy-MM-dd} {sale.Account}) sells {sale.Quantity} {sale.Symbol} but the account holds {held}: short sales are not handled.");
            }

            position.Held = held - sale.Quantity;
            var proceeds = (sale.Quantity * sale.Price) - sale.Fees;

            // First every share leaves its lot, then losses are washed: shares sold by this very sale are never its replacements.
            var parts = _parts;
            parts.Clear();
            foreach (var (buy, quantity) in Choose(sale, position))
            {
                var take = quantity;
                foreach (ref var tranche in CollectionsMarshal.AsSpan(buy.Tranches))
                {
                    if (take == 0)
                    {
                        break;
                    }

                    if (tranche.Quantity == 0)
                    {
                        continue;
                    }

                    var x = Math.Min(take, tranche.Quantity);
                    var basis = Share(tranche.Basis, x, tranche.Quantity);
                    var wash = Share(tranche.Wash, x, tranche.Quantity);
                    (tranche.Quantity, tranche.Basis, tranche.Wash, take) = (tranche.Quantity - x, tranche.Basis - basis, tranche.Wash - wash, take - x);
                    buy.Open -= x;
                    if (!tranche.Replaced)
                    {
                        buy.OpenUnreplaced -= x;
                    }

                    parts.Add((buy, x, basis, tranche.HoldingFrom));
                }

                buy.Tranches.RemoveAll(t => t.Quantity == 0);
            }

            var allocated = 0m;
            for (var i = 0; i < parts.Count; i++)
            {
                var (buy, x, basis, holdingFrom) = parts[i];
                var part = i == parts.Count - 1 ? proceeds - allocated : Share(proceeds, x, sale.Quantity); // the parts add up to the proceeds exactly
                allocated += part;
                var disallowed = part < basis && options.WashSales ? Wash(sale, buy, x, basis - part, holdingFrom) : 0;
                _disposals.Add(new Disposal(sale.Account, sale.Symbol, sale.Id, buy.Trade.Id, x, buy.Trade.Date, holdingFrom, sale.Date, part, basis, disallowed, Term(holdingFrom, sale.Date)));
            }
        }

        /// <summary>The lots the sale takes, with how many shares of each.</summary>
        private List<(Buy Buy, decimal Quantity)> Choose(TaxTrade sale, Position holding)
        {
            var position = holding.Buys;
            var chosen = _chosen;
            chosen.Clear();
            var left = sale.Quantity;
            void Take(Buy b)
            {
                var x = Math.Min(left, b.Open);
                if (x > 0)
                {
                    chosen.Add((b, x));
                    left -= x;
                }
            }

            switch (options.Method)
            {
                case LotMethod.Fifo:
                    var head = options.Naive ? 0 : holding.Head;
                    for (var i = head; i < position.Count && left > 0; i++)
                    {
                        Take(position[i]);
                    }

                    if (!options.Naive)
                    {
                        while (head < position.Count && position[head].Open == 0)
                        {
                            head++;
                        }

                        holding.Head = head;
                    }

                    break;
                case LotMethod.Lifo:
                    for (var i = position.Count - 1; i >= 0 && left > 0; i--)
                    {
                        Take(position[i]);
                    }

                    break;
                case LotMethod.HighestCost:
                    // The highest basis per share first; ties go to the older lot.
                    foreach (var b in position.Where(b => b.Open > 0).OrderByDescending(b => b.BasisPerShare).ThenBy(b => b.Sequence).ToList())
                    {
                        Take(b);
                        if (left == 0)
                        {
                            break;
                        }
                    }

                    break;
                case LotMethod.SpecificId:
                    if (sale.Picks is not { Count: > 0 } picks)
                    {
                        throw new InvalidDataException($"trade {sale.Id} ({sale.Date:yyyy-MM-dd} {sale.Account}) sells {sale.Quantity} {sale.Symbol} without naming its lots, as specific identification needs.");
                    }

                    foreach (var pick in picks)
                    {
                        if (!_buys.TryGetValue(pick.BuyId, out var b) || !b.Happened || b.Trade.Account != sale.Account || b.Trade.Symbol != sale.Symbol || b.Open < pick.Quantity)
                        {
                            throw new InvalidDataException($"trade {sale.Id} ({sale.Date:yyyy-MM-dd}) names lot {pick.BuyId} for {pick.Quantity} shares, but {sale.Account} holds {(b is { Happened: true } && b.Trade.Account == sale.Account && b.Trade.Symbol == sale.Symbol ? b.Open : 0)} {sale.Symbol} of that lot.");
                        }

                        chosen.Add((b, pick.Quantity));
                        left -= pick.Quantity;
                    }

                    break;
            }

            return chosen;
        }

        /// <summary>Disallows the loss on as many of <paramref name="quantity"/> shares as the owner has replacement shares for; returns the disallowed amount.</summary>
        private decimal Wash(TaxTrade sale, Buy source, decimal quantity, decimal loss, DateOnly holdingFrom)
        {
            var group = source.Group;
            var buys = group.Buys;
            var (from, to) = (sale.Date.AddDays(-30), sale.Date.AddDays(30));
            var (lo, hi) = (0, buys.Count);
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                (lo, hi) = buys[mid].Trade.Date < from ? (mid + 1, hi) : (lo, mid);
            }

            var tack = sale.Date.DayNumber - holdingFrom.DayNumber;
            var left = quantity;
            var disallowed = 0m;
            for (var i = options.Naive ? 0 : group.Find(lo); i < buys.Count && left > 0 && buys[i].Trade.Date <= to; i = options.Naive ? i + 1 : group.Find(i + 1))
            {
                var b = buys[i];
                if (b.Trade.Date < from)
                {
                    continue; // only the naive scan starts before the window
                }

                var capacity = b.Capacity;
                if (capacity <= 0)
                {
                    group.Kill(i); // never a replacement again: its open shares are used or sold, or all promised
                    continue;
                }

                if (b == source)
                {
                    continue;
                }

                var m = Math.Min(capacity, left);
                var amount = Share(loss, m, quantity);
                left -= m;
                disallowed += amount;
                _washes.Add(new WashSaleAdjustment(group.Owner, sale.Id, sale.Account, sale.Symbol, sale.Date, b.Trade.Id, b.Trade.Account, b.Trade.Symbol, b.Trade.Date, m, amount, tack));
                if (b.Happened)
                {
                    Adjust(b, m, amount, tack);
                }
                else
                {
                    (b.Pending ??= []).Add((m, amount, tack));
                    b.PendingQuantity += m;
                }

                if (b.Capacity <= 0)
                {
                    group.Kill(i);
                }
            }

            return disallowed;
        }

        /// <summary>Moves <paramref name="quantity"/> open, unused shares of a replacement into a tranche carrying the disallowed loss and the tacked holding period.</summary>
        private static void Adjust(Buy b, decimal quantity, decimal loss, int tack)
        {
            var left = quantity;
            var (basis, wash) = (0m, 0m);
            foreach (ref var t in CollectionsMarshal.AsSpan(b.Tranches))
            {
                if (left == 0)
                {
                    break;
                }

                if (t.Replaced || t.Quantity == 0)
                {
                    continue;
                }

                var x = Math.Min(left, t.Quantity);
                var part = Share(t.Basis, x, t.Quantity);
                var washPart = Share(t.Wash, x, t.Quantity);
                (t.Quantity, t.Basis, t.Wash, left) = (t.Quantity - x, t.Basis - part, t.Wash - washPart, left - x);
                (basis, wash) = (basis + part, wash + washPart);
            }

            b.OpenUnreplaced -= quantity;
            b.Tranches.Add(new Tranche(quantity, basis + loss, wash + loss, b.Trade.Date.AddDays(-tack), replaced: true)); // emptied tranches go at the lot's next sale
        }
    }
}
