using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Trading.Tax;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench tax</c>: lot matching and wash-sale detection over N seeded trades (default one million: five
/// accounts, four of one owner, 500 symbols with ten equivalent pairs, four years, prices on random walks so that
/// about half the sales are losses; buys and sales alike in size and number), on one thread, against the naive ledger in the same run (every sale scans its
/// position's lots from the oldest and every buy of the owner's securities, with nothing skipped). Both must give the
/// same totals.
/// </summary>
internal static class TaxBenchmark
{
    public static Command Create(CliOutput output)
    {
        var trades = new Option<int>("--trades") { Description = "Trades to generate (default 1,000,000).", DefaultValueFactory = _ => 1_000_000 }.Positive();
        var symbols = new Option<int>("--symbols") { Description = "Symbols traded (default 500; fewer trades per symbol, fewer wash sales).", DefaultValueFactory = _ => 500 }.Between(20, 100_000);
        var method = new Option<string>("--method") { Description = "fifo, lifo or highest-cost (default fifo).", DefaultValueFactory = _ => "fifo" }.OneOf("fifo", "lifo", "highest-cost");
        var command = new Command("tax", "Tax lots and wash sales over a million trades, against a naive same-run baseline.") { trades, symbols, method };
        command.SetAction(parse =>
        {
            var lotMethod = parse.GetValue(method) switch
            {
                "lifo" => LotMethod.Lifo,
                "highest-cost" => LotMethod.HighestCost,
                _ => LotMethod.Fifo,
            };
            var (list, options) = Generate(parse.GetValue(trades), seed: 7, parse.GetValue(symbols));
            options = options with { Method = lotMethod };
            LotLedger.Run(list.Take(20_000), options); // warm up the JIT
            var sw = Stopwatch.StartNew();
            var fast = LotLedger.Run(list, options);
            var fastSeconds = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var naive = LotLedger.Run(list, options with { Naive = true });
            var naiveSeconds = sw.Elapsed.TotalSeconds;
            var same = fast.Disposals.Count == naive.Disposals.Count && fast.WashSales.Count == naive.WashSales.Count
                && fast.Disposals.Sum(d => d.Gain) == naive.Disposals.Sum(d => d.Gain) && fast.WashSales.Sum(w => w.DisallowedLoss) == naive.WashSales.Sum(w => w.DisallowedLoss);
            var result = new
            {
                trades = list.Count,
                method = parse.GetValue(method),
                disposals = fast.Disposals.Count,
                washSales = fast.WashSales.Count,
                disallowed = Math.Round(fast.WashSales.Sum(w => w.DisallowedLoss), 2),
                seconds = fastSeconds,
                naiveSeconds,
                ratio = naiveSeconds / fastSeconds,
                tradesPerSecond = list.Count / fastSeconds,
                sameResult = same,
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
            }
            else
            {
                var table = new Table().AddColumns("Trades", "Disposals", "Wash sales", "Ledger", "Naive (same run)", "Ratio", "Same result");
                table.AddRow(list.Count.ToString("N0", CultureInfo.InvariantCulture), fast.Disposals.Count.ToString("N0", CultureInfo.InvariantCulture), fast.WashSales.Count.ToString("N0", CultureInfo.InvariantCulture),
                    $"{fastSeconds:F2} s", $"{naiveSeconds:F2} s", $"{naiveSeconds / fastSeconds:F1}x", same ? "yes" : "[red]NO[/]");
                output.Console.Write(table);
            }

            return same ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>Seeded trades that never sell more than an account holds; prices follow a random walk per symbol.</summary>
    internal static (List<TaxTrade> Trades, TaxLedgerOptions Options) Generate(int count, int seed, int symbolCount = 500)
    {
        var random = new Random(seed);
        var accounts = new[] { "ira-like", "taxable", "joint", "trust", "neighbour" };
        var prices = Enumerable.Range(0, symbolCount).Select(_ => 20 + (random.NextDouble() * 200)).ToArray();
        var held = new long[accounts.Length, symbolCount];
        var trades = new List<TaxTrade>(count);
        var day = new DateOnly(2021, 1, 4);
        var perDay = Math.Max(1, count / 1_000); // about four years of trading days
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && i % perDay == 0)
            {
                day = day.AddDays(day.DayOfWeek == DayOfWeek.Friday ? 3 : 1);
                for (var s = 0; s < symbolCount; s++)
                {
                    prices[s] *= Math.Exp(0.02 * NextGaussian(random));
                }
            }

            var (a, s2) = (random.Next(accounts.Length), random.Next(symbolCount));
            var price = Math.Round((decimal)prices[s2], 2);
            var sell = held[a, s2] > 0 && random.Next(2) == 0;
            var quantity = Math.Min(sell ? held[a, s2] : long.MaxValue, 1 + random.Next(200)); // sales and buys alike: a position wanders, it does not pile up
            held[a, s2] += sell ? -quantity : quantity;
            trades.Add(new TaxTrade("t" + i.ToString(CultureInfo.InvariantCulture), accounts[a], day, "S" + s2.ToString(CultureInfo.InvariantCulture), sell ? TaxSide.Sell : TaxSide.Buy, quantity, price, random.Next(3)));
        }

        var options = new TaxLedgerOptions
        {
            Owners = new Dictionary<string, string> { ["ira-like"] = "ana", ["taxable"] = "ana", ["joint"] = "ana", ["trust"] = "ana" },
            EquivalentSets = [.. Enumerable.Range(0, 10).Select(k => (IReadOnlyCollection<string>)[$"S{2 * k}", $"S{(2 * k) + 1}"])],
        };
        return (trades, options);
    }

    private static double NextGaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
