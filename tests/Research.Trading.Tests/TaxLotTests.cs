using CsCheck;
using Research.Trading.Tax;

namespace Research.Trading.Tests;

/// <summary>
/// Lot matching and wash sales against IRS Publication 550's worked examples and hand computations. Every amount below
/// is worked out in the comment beside it.
/// </summary>
public sealed class TaxLotTests
{
    private static DateOnly D(string date) => DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

    private static TaxTrade Buy(string id, string date, decimal quantity, decimal price, string symbol = "X", string account = "taxable", decimal fees = 0) =>
        new(id, account, D(date), symbol, TaxSide.Buy, quantity, price, fees);

    private static TaxTrade Sell(string id, string date, decimal quantity, decimal price, string symbol = "X", string account = "taxable", decimal fees = 0, params LotPick[] picks) =>
        new(id, account, D(date), symbol, TaxSide.Sell, quantity, price, fees, picks.Length == 0 ? null : picks);

    [Fact]
    public void Pub_550_wash_sale_example_disallows_the_loss_adds_it_to_the_new_shares_basis_and_tacks_the_holding_period()
    {
        // Pub. 550: buy 100 shares for $1,000, sell them for $750, buy 100 within 30 days for $800: the $250 loss is
        // not deductible and the new shares' basis is $800 + $250 = $1,050.
        var result = LotLedger.Run([Buy("b1", "2025-01-02", 100, 10), Sell("s1", "2025-03-03", 100, 7.5m), Buy("b2", "2025-03-20", 100, 8)]);
        var sale = Assert.Single(result.Disposals);
        Assert.Equal((750m, 1000m, 250m, 0m), (sale.Proceeds, sale.Basis, sale.Disallowed, sale.Gain));
        var wash = Assert.Single(result.WashSales);
        Assert.Equal(("s1", "b2", 100m, 250m, 60), (wash.SaleId, wash.ReplacementId, wash.Quantity, wash.DisallowedLoss, wash.TackedDays)); // Jan 2 to Mar 3: 60 days held
        var lot = Assert.Single(result.OpenLots);
        Assert.Equal((1050m, 250m, D("2025-03-20"), D("2025-01-19")), (lot.Basis, lot.WashAdjustment, lot.Acquired, lot.HoldingFrom)); // Mar 20 - 60 days

        // Sold on 2026-01-21 for $1,200: gain $150, long-term only because of the tacked period (bought 2025-03-20).
        var later = LotLedger.Run([Buy("b1", "2025-01-02", 100, 10), Sell("s1", "2025-03-03", 100, 7.5m), Buy("b2", "2025-03-20", 100, 8), Sell("s2", "2026-01-21", 100, 12)]);
        var second = later.Disposals.Single(d => d.SaleId == "s2");
        Assert.Equal((150m, HoldingTerm.LongTerm), (second.Gain, second.Term));
        Assert.Equal(HoldingTerm.ShortTerm, LotLedger.Term(D("2025-03-20"), D("2026-01-21")));
    }

    [Fact]
    public void A_partial_replacement_disallows_the_loss_on_the_replaced_shares_only()
    {
        // 100 bought for $1,000, sold for $750 ($2.50 a share lost), 75 bought back within 30 days for $600:
        // 75/100 of the $250 loss ($187.50) is disallowed, $62.50 stays deductible, the 75 shares' basis is $787.50.
        var result = LotLedger.Run([Buy("b1", "2025-05-01", 100, 10), Sell("s1", "2025-06-02", 100, 7.5m), Buy("b2", "2025-06-20", 75, 8)]);
        var sale = Assert.Single(result.Disposals);
        Assert.Equal((187.5m, -62.5m), (sale.Disallowed, sale.Gain));
        var lot = Assert.Single(result.OpenLots);
        Assert.Equal((75m, 787.5m), (lot.Quantity, lot.Basis));
    }

    [Fact]
    public void Shares_bought_before_the_loss_sale_replace_but_shares_of_the_lot_sold_and_shares_already_sold_do_not()
    {
        // 06-01 100 @ 40, 07-02 100 @ 50, 08-01 100 @ 30; 200 sold @ 40 on 08-08 (FIFO: the 06-01 and 07-02 lots).
        // 06-01: no gain. 07-02: $1,000 lost; the 08-01 shares (bought 7 days before, still held) replace it: all of
        // it disallowed, the 08-01 basis becomes $3,000 + $1,000 and it is held from 08-01 - 37 days = 06-25.
        var result = LotLedger.Run([Buy("a", "2025-06-01", 100, 40), Buy("b", "2025-07-02", 100, 50), Buy("c", "2025-08-01", 100, 30), Sell("s", "2025-08-08", 200, 40)]);
        Assert.Equal([("a", 0m, 0m), ("b", -1000m, 0m)], result.Disposals.Select(d => (d.BuyId, d.Proceeds - d.Basis, d.Gain)));
        var lot = Assert.Single(result.OpenLots);
        Assert.Equal(("c", 4000m, D("2025-06-25")), (lot.BuyId, lot.Basis, lot.HoldingFrom));

        // Part of a lot sold at a loss within 30 days of buying it: the rest of that same lot is no replacement (Rev. Rul. 56-602).
        var partial = LotLedger.Run([Buy("a", "2025-01-02", 100, 10), Sell("s", "2025-01-10", 50, 8)]);
        Assert.Equal((0m, -100m), (partial.Disposals[0].Disallowed, partial.Disposals[0].Gain));

        // A replacement already sold before the loss sale is no replacement either.
        var closed = LotLedger.Run([Buy("a", "2025-01-02", 10, 10), Buy("b", "2025-02-01", 10, 10), Sell("sb", "2025-02-03", 10, 11, picks: new LotPick("b", 10)), Sell("sa", "2025-02-10", 10, 8, picks: new LotPick("a", 10))],
            new TaxLedgerOptions { Method = LotMethod.SpecificId });
        Assert.Empty(closed.WashSales);
        Assert.Equal(-20m, closed.Disposals.Single(d => d.SaleId == "sa").Gain);
    }

    [Fact]
    public void Wash_sales_reach_across_the_owners_accounts_and_its_equivalent_securities_but_not_another_owner()
    {
        var trades = new[]
        {
            Buy("b1", "2025-09-02", 100, 500, "SPY", "taxable"),
            Buy("o1", "2025-10-01", 100, 440, "SPY", "neighbour"), // another owner: never a replacement
            Sell("s1", "2025-10-01", 100, 450, "SPY", "taxable"), // $5,000 lost
            Buy("b2", "2025-10-15", 40, 410, "IVV", "joint"), // same owner, an index twin: replaces 40 shares
        };
        var options = new TaxLedgerOptions { Owners = new Dictionary<string, string> { ["taxable"] = "ana", ["joint"] = "ana" }, EquivalentSets = [["SPY", "IVV"]] };
        var result = LotLedger.Run(trades, options);
        var wash = Assert.Single(result.WashSales);
        Assert.Equal(("ana", "b2", "joint", "IVV", 40m, 2000m), (wash.Owner, wash.ReplacementId, wash.ReplacementAccount, wash.ReplacementSymbol, wash.Quantity, wash.DisallowedLoss));
        Assert.Equal(-3000m, result.Disposals.Single().Gain);
        Assert.Equal(16400m + 2000m, result.OpenLots.Single(l => l.BuyId == "b2").Basis);
        Assert.Equal(44000m, result.OpenLots.Single(l => l.BuyId == "o1").Basis);

        // Without the equivalence set IVV is another security: the whole loss stands.
        Assert.Empty(LotLedger.Run(trades, options with { EquivalentSets = [] }).WashSales);
    }

    [Theory]
    [InlineData(LotMethod.Fifo, 345, "b2:50,b3:100")] // 100 @ 10 + 50 @ 12 = 1,600 against 1,950 - 5
    [InlineData(LotMethod.Lifo, 245, "b1:100,b2:50")] // 100 @ 11 + 50 @ 12 = 1,700
    [InlineData(LotMethod.HighestCost, 195, "b1:100,b3:50")] // 100 @ 12 + 50 @ 11 = 1,750
    [InlineData(LotMethod.SpecificId, 395, "b2:100,b3:50")] // named: 100 of b1 @ 10 + 50 of b3 @ 11 = 1,550
    public void Each_lot_method_takes_the_lots_it_says_on_a_hand_computed_sequence(LotMethod method, int gain, string open)
    {
        var trades = new[]
        {
            Buy("b1", "2025-01-02", 100, 10), Buy("b2", "2025-02-03", 100, 12), Buy("b3", "2025-03-04", 100, 11),
            Sell("s1", "2025-04-01", 150, 13, fees: 5, picks: method == LotMethod.SpecificId ? [new LotPick("b1", 100), new LotPick("b3", 50)] : []),
        };
        var result = LotLedger.Run(trades, new TaxLedgerOptions { Method = method });
        Assert.Equal(gain, result.Disposals.Sum(d => d.Gain));
        Assert.Equal(open, string.Join(",", result.OpenLots.Select(l => $"{l.BuyId}:{l.Quantity}")));
        Assert.All(result.Disposals, d => Assert.Equal(HoldingTerm.ShortTerm, d.Term));
    }

    [Fact]
    public void A_split_multiplies_shares_and_keeps_basis_and_holding_period_and_the_year_boundary_is_more_than_one_year()
    {
        var result = LotLedger.Run([Buy("b1", "2024-02-05", 100, 50), Sell("s1", "2025-02-06", 200, 30)],
            new TaxLedgerOptions { Splits = [new StockSplit(D("2024-06-10"), "X", 2)] });
        var sale = Assert.Single(result.Disposals);
        Assert.Equal((200m, 5000m, 1000m, HoldingTerm.LongTerm), (sale.Quantity, sale.Basis, sale.Gain, sale.Term));

        // Pub. 550: counting starts the day after purchase; bought 2024-02-05, sold 2025-02-05 is one year exactly: short-term.
        Assert.Equal(HoldingTerm.ShortTerm, LotLedger.Term(D("2024-02-05"), D("2025-02-05")));
        Assert.Equal(HoldingTerm.LongTerm, LotLedger.Term(D("2024-02-05"), D("2025-02-06")));
    }

    [Fact]
    public void A_sale_of_ten_thousand_lots_lists_every_disposal_in_order()
    {
        var buys = Enumerable.Range(0, 10_000).Select(i => Buy("b" + i, "2025-01-02", 1, 10 + (i % 7))).ToList();
        var result = LotLedger.Run([.. buys, Sell("s", "2025-06-02", 10_000, 12)]);
        Assert.Equal(10_000, result.Disposals.Count);
        Assert.Equal(["b8191", "b8192", "b9999"], new[] { result.Disposals[8191], result.Disposals[8192], result.Disposals[9999] }.Select(d => d.BuyId));
        Assert.Equal(120_000m - buys.Sum(b => b.Price), result.Disposals.Sum(d => d.Gain));
        Assert.Equal(10_000, result.Disposals.Count(d => d.Quantity == 1));
    }

    [Fact]
    public void Bad_trades_are_refused_naming_the_trade_and_what_is_wrong()
    {
        Assert.Contains("trade s1 (2025-01-03 taxable) sells 150 X but the account holds 100: short sales are not handled",
            Assert.Throws<InvalidDataException>(() => LotLedger.Run([Buy("b1", "2025-01-02", 100, 10), Sell("s1", "2025-01-03", 150, 10)])).Message, StringComparison.Ordinal);
        Assert.Contains("names lots for 60 shares but sells 50",
            Assert.Throws<InvalidDataException>(() => LotLedger.Run([Buy("b1", "2025-01-02", 100, 10), Sell("s1", "2025-01-03", 50, 10, picks: new LotPick("b1", 60))])).Message, StringComparison.Ordinal);
        Assert.Contains("names lot b9 for 50 shares, but taxable holds 0 X of that lot",
            Assert.Throws<InvalidDataException>(() => LotLedger.Run([Buy("b1", "2025-01-02", 100, 10), Sell("s1", "2025-01-03", 50, 10, picks: new LotPick("b9", 50))], new TaxLedgerOptions { Method = LotMethod.SpecificId })).Message, StringComparison.Ordinal);
        Assert.Contains("repeats an id", Assert.Throws<InvalidDataException>(() => LotLedger.Run([Buy("b1", "2025-01-02", 100, 10), Buy("b1", "2025-01-03", 1, 10)])).Message, StringComparison.Ordinal);
        Assert.Contains("quantity -5", Assert.Throws<InvalidDataException>(() => LotLedger.Run([Buy("b1", "2025-01-02", -5, 10)])).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Random trading of two equivalent symbols in two accounts of one owner, everything sold at the end: wash sales
    /// defer losses, never lose or invent them. The gains reported add up to proceeds minus costs; every disallowed
    /// dollar is in the ledger and in some lot's basis; basis in equals basis out.
    /// </summary>
    [Fact]
    public void Wash_sales_conserve_basis_and_defer_losses_without_losing_any()
    {
        var gen = Gen.Select(Gen.Int[5, 60], Gen.Int[0, 1_000_000], Gen.Enum<LotMethod>());
        gen.Sample((count, seed, method) =>
        {
            if (method == LotMethod.SpecificId)
            {
                method = LotMethod.Fifo;
            }

            var random = new Random(seed);
            var trades = new List<TaxTrade>();
            var held = new Dictionary<(string, string), decimal>();
            var day = D("2025-01-02");
            for (var i = 0; i < count; i++)
            {
                day = day.AddDays(random.Next(0, 12));
                var key = (random.Next(2) == 0 ? "a" : "b", random.Next(2) == 0 ? "X" : "Y");
                var price = 5 + random.Next(0, 20) + (random.Next(0, 100) / 100m);
                var have = held.GetValueOrDefault(key);
                if (have > 0 && random.Next(3) == 0)
                {
                    var q = 1 + random.Next(0, (int)have);
                    trades.Add(new TaxTrade("t" + i, key.Item1, day, key.Item2, TaxSide.Sell, q, price, random.Next(0, 3)));
                    held[key] = have - q;
                }
                else
                {
                    var q = 1 + random.Next(0, 50);
                    trades.Add(new TaxTrade("t" + i, key.Item1, day, key.Item2, TaxSide.Buy, q, price, random.Next(0, 3)));
                    held[key] = have + q;
                }
            }

            var closing = day.AddDays(90); // past every window, so the closing sales wash nothing still open
            foreach (var ((account, symbol), q) in held.Where(h => h.Value > 0))
            {
                trades.Add(new TaxTrade($"close-{account}-{symbol}", account, closing, symbol, TaxSide.Sell, q, 10));
            }

            var result = LotLedger.Run(trades, new TaxLedgerOptions { Method = method, Owners = new Dictionary<string, string> { ["a"] = "o", ["b"] = "o" }, EquivalentSets = [["X", "Y"]] });
            var costs = trades.Where(t => t.Side == TaxSide.Buy).Sum(t => (t.Quantity * t.Price) + t.Fees);
            var proceeds = trades.Where(t => t.Side == TaxSide.Sell).Sum(t => (t.Quantity * t.Price) - t.Fees);
            Assert.Empty(result.OpenLots);
            Assert.Equal(Math.Round(proceeds - costs, 8), Math.Round(result.Disposals.Sum(d => d.Gain), 8));
            Assert.Equal(Math.Round(result.WashSales.Sum(w => w.DisallowedLoss), 8), Math.Round(result.Disposals.Sum(d => d.Disallowed), 8));
            Assert.Equal(Math.Round(costs + result.WashSales.Sum(w => w.DisallowedLoss), 8), Math.Round(result.Disposals.Sum(d => d.Basis), 8));
            Assert.All(result.Disposals, d => Assert.True(d.Disallowed <= Math.Max(0, d.Basis - d.Proceeds) + 1e-9m, $"{d.SaleId}: disallowed {d.Disallowed} is more than the loss"));
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Form_8949_csv_and_txf_carry_the_wash_code_the_adjustment_and_the_part_by_holding_period()
    {
        var result = LotLedger.Run([Buy("b1", "2025-01-02", 100, 10), Sell("s1", "2025-03-03", 100, 7.5m), Buy("b2", "2025-03-20", 100, 8), Sell("s2", "2026-01-21", 100, 12)]);
        var csv = TaxExports.Form8949Csv(result.Disposals).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("part,box,description,date_acquired,date_sold,proceeds,cost_basis,code,adjustment,gain_or_loss,account,sale_id,buy_id", csv[0]);
        Assert.Equal("I,A,100 sh X,01/02/2025,03/03/2025,750.00,1000.00,W,250.00,0.00,taxable,s1,b1", csv[1]);
        Assert.Equal("II,D,100 sh X,03/20/2025,01/21/2026,1200.00,1050.00,,,150.00,taxable,s2,b2", csv[2]);

        var txf = TaxExports.Txf(result.Disposals, D("2026-02-01"), Form8949Box.A);
        Assert.StartsWith("V042\nAResearch platform\nD02/01/2026\n^\n", txf, StringComparison.Ordinal);
        Assert.Contains("TD\nN321\nC1\nL1\nP100 sh X\nD01/02/2025\nD03/03/2025\n$1000.00\n$750.00\n$250.00\n^\n", txf, StringComparison.Ordinal);
        Assert.Contains("TD\nN323\nC1\nL1\nP100 sh X\nD03/20/2025\nD01/21/2026\n$1050.00\n$1200.00\n$\n^\n", txf, StringComparison.Ordinal);
        Assert.Contains("N714", TaxExports.Txf(result.Disposals, D("2026-02-01"), Form8949Box.C), StringComparison.Ordinal);
        Assert.Equal((0m, 150m, 0m), TaxExports.YearSummary(result.Disposals, 2026));
        Assert.Equal((0m, 0m, 250m), TaxExports.YearSummary(result.Disposals, 2025));
    }

    [Fact]
    public void Harvesting_lists_losses_largest_first_warns_of_a_recent_buy_that_would_wash_and_skips_identical_replacements()
    {
        var options = new TaxLedgerOptions { EquivalentSets = [["SPY", "IVV"]] };
        var result = LotLedger.Run([Buy("old", "2025-01-02", 100, 600, "SPY"), Buy("new", "2025-11-20", 10, 560, "IVV"), Buy("win", "2025-02-03", 50, 100, "AAPL"), Buy("small", "2025-03-03", 10, 102, "MSFT")], options);
        var prices = new Dictionary<string, decimal> { ["SPY"] = 550, ["IVV"] = 550, ["AAPL"] = 120, ["MSFT"] = 100 };
        var picks = TaxHarvest.Suggest(result, prices, D("2025-12-01"), options, _ => [("IVV", 0.999), ("VOO", 0.998), ("SCHX", 0.99)]);
        Assert.Equal(["old", "new", "small"], picks.Select(p => p.Lot.BuyId)); // losses 5,000, 100, 20; AAPL is a gain
        var spy = picks[0];
        Assert.Equal((5000m, "new", 10m, D("2026-01-01")), (spy.Loss, string.Join(",", spy.WashingBuys), spy.WashedShares, spy.RebuyFrom));
        Assert.Equal(["VOO", "SCHX"], spy.Replacements.Select(r => r.Symbol)); // IVV is substantially identical to SPY here
        Assert.Empty(picks[2].WashingBuys);
    }
}

/// <summary>The trade journal's CSV export of an account read as tax trades (quoted notes, New York dates, costs as fees); a backtest's journal refused.</summary>
public sealed class TaxJournalFileTests
{
    [Fact]
    public void An_accounts_journal_export_reads_as_its_fills_and_a_backtests_is_refused_by_name()
    {
        var dir = Directory.CreateTempSubdirectory("tax-journal-");
        try
        {
            var journal = Path.Combine(dir.FullName, "journal.csv");
            File.WriteAllText(journal, "\uFEFFkey,at,security,strategy,side,quantity,price,value,cost,realized,tags,note\n" +
                "desk-1:1,2025-01-02T20:30:00Z,AAA,mom,buy,100,10,1000,1.5,,entry,\"first, \"\"test\"\" buy\"\n" +
                "desk-1:2,2025-03-04T02:00:00Z,AAA,mom,sell,-100,7.5,750,1,,,\n");
            var trades = TaxTradeFile.ReadTrades(journal);
            Assert.Equal(2, trades.Count);
            Assert.Equal(new TaxTrade("desk-1:1", "desk-1", new DateOnly(2025, 1, 2), "AAA", TaxSide.Buy, 100, 10, 1.5m), trades[0]);
            Assert.Equal(new TaxTrade("desk-1:2", "desk-1", new DateOnly(2025, 3, 3), "AAA", TaxSide.Sell, 100, 7.5m, 1m), trades[1]); // 02:00 UTC is the evening before in New York
            var sale = Assert.Single(LotLedger.Run(trades).Disposals);
            Assert.Equal((749m, 1001.5m), (sale.Proceeds, sale.Basis));

            var backtest = Path.Combine(dir.FullName, "backtest.csv");
            File.WriteAllText(backtest, "key,at,security,strategy,side,quantity,price,value,cost,realized,tags,note\nbt-1:20250102:10001,2025-01-02T00:00:00Z,AAA (10001),mom,buy,0.05,10,,12,,,\n");
            var refused = Assert.Throws<InvalidDataException>(() => TaxTradeFile.ReadTrades(backtest));
            Assert.Contains("line 2, column key: 'bt-1:20250102:10001' is not an account fill's key", refused.Message, StringComparison.Ordinal);

            var broken = Path.Combine(dir.FullName, "broken.csv");
            File.WriteAllText(broken, "key,at,security,strategy,side,quantity,price,value,cost,realized,tags,note\ndesk-1:1,2025-01-02T20:30:00Z,AAA,mom,buy,100,10,1000,1.5,,,\"unfinished\n");
            Assert.Contains("line 2: a quoted field does not end on the line", Assert.Throws<InvalidDataException>(() => TaxTradeFile.ReadTrades(broken)).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
