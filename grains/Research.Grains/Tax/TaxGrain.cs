using System.Globalization;
using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Tax;
using Research.Grains.Abstractions.Trading;
using Research.Platform.Storage.Audit;
using Research.Trading.Tax;

namespace Research.Grains.Tax;

/// <summary>
/// Tax lots of gateway accounts (<see cref="ITaxGrain"/>), orchestration only: the fills are read from each account's
/// gateway (paged, oldest first), turned into trades (<see cref="TaxTrade.FromFill"/>) and run through the lot ledger
/// (<see cref="LotLedger"/>: the same code as <c>research tax</c>); every computation and export is audited.
/// </summary>
[StatelessWorker]
public sealed class TaxGrain(Research.Platform.Storage.Security.SecurityStorage security, TimeProvider clock, Research.Grains.Trading.SiloQuotes quotes) : Grain, ITaxGrain
{
    /// <summary>Realised lines sent to a page at most (the count says how many there are; exports carry them all).</summary>
    public const int MaxDisposals = 2_000;

    private static readonly Dictionary<string, LotMethod> Methods = new(StringComparer.Ordinal)
    {
        ["fifo"] = LotMethod.Fifo,
        ["lifo"] = LotMethod.Lifo,
        ["highest-cost"] = LotMethod.HighestCost,
    };

    public async Task<TaxView> ComputeAsync(TaxQuery query)
    {
        var (trades, result, options) = await RunAsync(query).ConfigureAwait(true);
        var lines = Lines(result, query.Year);
        var (harvest, pricesFrom) = Harvest(result, options);
        await AuditAsync("tax.compute", query, $"{trades} fill(s), {lines.Count} realised line(s), {result.WashSales.Count} wash sale(s)").ConfigureAwait(true);
        var years = result.Disposals.Select(d => d.Sold.Year).Distinct().Order().Select(y =>
        {
            var (shortTerm, longTerm, disallowed) = TaxExports.YearSummary(result.Disposals, y);
            return new TaxYearRow(y, shortTerm, longTerm, disallowed);
        });
        return new TaxView(trades,
            [.. result.OpenLots.Select(l => new TaxLotRow(l.Account, l.Symbol, l.BuyId, l.Acquired, l.HoldingFrom, l.Quantity, l.Basis, l.WashAdjustment))],
            [.. lines.Take(MaxDisposals).Select(d => new TaxDisposalRow(d.Account, d.Symbol, d.SaleId, d.BuyId, d.Quantity, d.Acquired, d.Sold, d.Proceeds, d.Basis, d.Disallowed, d.Gain, d.Term == HoldingTerm.LongTerm))],
            lines.Count,
            [.. result.WashSales.Select(w => new TaxWashRow(w.SaleId, w.Symbol, w.Sold, w.ReplacementId, w.ReplacementSymbol, w.Replaced, w.Quantity, w.DisallowedLoss, w.TackedDays))],
            [.. years],
            [.. harvest.Select(h => new TaxHarvestRow(h.Lot.Account, h.Lot.Symbol, h.Lot.BuyId, h.Lot.Quantity, h.Lot.Basis, h.Price, h.Loss, h.Term == HoldingTerm.LongTerm, [.. h.WashingBuys], h.WashedShares, h.RebuyFrom))],
            pricesFrom);
    }

    /// <summary>Harvesting candidates today (New York), at each open lot's last warehouse price (the paper broker's).</summary>
    private (IReadOnlyList<HarvestCandidate> Candidates, string PricesFrom) Harvest(TaxLedgerResult result, TaxLedgerOptions options)
    {
        var prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var dates = new SortedSet<DateOnly>();
        foreach (var symbol in result.OpenLots.Select(l => l.Symbol).Distinct(StringComparer.Ordinal))
        {
            if (quotes.Find(symbol) is { Price: > 0 } quote && double.IsFinite(quote.Price))
            {
                prices[symbol] = (decimal)quote.Price;
                dates.Add(DateOnly.FromDateTime(quote.AsOf.UtcDateTime));
            }
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Research.Core.Calendars.NyseCalendar.TimeZone).DateTime);
        var missing = result.OpenLots.Select(l => l.Symbol).Distinct(StringComparer.Ordinal).Count(s => !prices.ContainsKey(s));
        var from = dates.Count == 0 ? "no price found for the open lots' symbols" : $"last warehouse closes ({string.Join(", ", dates.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))})";
        return (TaxHarvest.Suggest(result, prices, today, options), missing == 0 ? from : $"{from}; {missing} symbol(s) without a price left out");
    }

    public async Task<TaxExportFile> ExportAsync(TaxQuery query, string format)
    {
        if (format is not ("8949" or "txf"))
        {
            throw new ArgumentException($"format: '{format}' is not 8949 or txf.");
        }

        var (_, result, _) = await RunAsync(query).ConfigureAwait(true);
        var lines = Lines(result, query.Year);
        var text = format == "txf" ? TaxExports.Txf(lines, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) : TaxExports.Form8949Csv(lines);
        await AuditAsync("tax.export", query, $"{format}, {lines.Count} line(s)").ConfigureAwait(true);
        var name = $"tax-{(query.Year?.ToString(CultureInfo.InvariantCulture) ?? "all")}-{string.Join("-", query.Accounts)}";
        return format == "txf" ? new TaxExportFile(name + ".txf", "text/plain; charset=utf-8", text, lines.Count) : new TaxExportFile(name + "-8949.csv", "text/csv; charset=utf-8", text, lines.Count);
    }

    private static List<Disposal> Lines(TaxLedgerResult result, int? year) => [.. result.Disposals.Where(d => year is null || d.Sold.Year == year)];

    private async Task<(int Trades, TaxLedgerResult Result, TaxLedgerOptions Options)> RunAsync(TaxQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var accounts = (query.Accounts ?? []).Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (accounts.Length == 0)
        {
            throw new ArgumentException("accounts: name at least one execution gateway account.");
        }

        if (!Methods.TryGetValue(query.Method, out var method))
        {
            throw new ArgumentException($"method: '{query.Method}' is not one of {string.Join(", ", Methods.Keys)} (specific identification needs a trades file: research tax --method specific-id).");
        }

        if (query.Year is < 1900 or > 2200)
        {
            throw new ArgumentException($"year: {query.Year} is not from 1900 to 2200.");
        }

        var sets = (query.Equivalents ?? []).Select(s => s.Select(x => x.Trim().ToUpperInvariant()).Where(x => x.Length > 0).Distinct(StringComparer.Ordinal).ToArray()).ToList();
        if (sets.FirstOrDefault(s => s.Length < 2) is { } small)
        {
            throw new ArgumentException($"equivalents: a set of substantially identical securities needs two symbols or more (got '{string.Join(",", small)}').");
        }

        var trades = new List<TaxTrade>();
        foreach (var account in accounts)
        {
            var gateway = GrainFactory.GetGrain<IExecutionGatewayGrain>(account);
            long after = 0;
            while (true)
            {
                var page = await gateway.FillsAsync(after, 1_000).ConfigureAwait(true);
                trades.AddRange(page.Select(f => TaxTrade.FromFill(account, f.Sequence, f.At, f.Symbol, f.Side == TicketSide.Buy, f.Quantity, f.Price, f.Cost)));
                after = page.Length == 0 ? after : page.Max(f => f.Sequence);
                if (page.Length < 1_000)
                {
                    break;
                }
            }
        }

        var options = new TaxLedgerOptions
        {
            Method = method,
            Owners = query.OneOwner ? accounts.ToDictionary(a => a, _ => "owner", StringComparer.Ordinal) : new Dictionary<string, string>(),
            EquivalentSets = sets,
        };
        try
        {
            return (trades.Count, LotLedger.Run(trades, options), options);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException("fills: " + e.Message, e);
        }
    }

    private async Task AuditAsync(string action, TaxQuery query, string detail) =>
        await security.Audit.AppendAsync(new AuditEntry(CallerIdentity.Current?.Actor ?? "cluster", action, string.Join(",", query.Accounts), "ok", null, CallerIdentity.Current?.Origin,
            $"{query.Method}{(query.Year is { } y ? $", {y}" : string.Empty)}; {detail}")).ConfigureAwait(true);
}
