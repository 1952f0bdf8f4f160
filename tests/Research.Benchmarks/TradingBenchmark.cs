using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Trading;
using Research.Trading.Accounts;
using Research.Trading.Brokers;
using Research.Trading.Orders;

namespace Research.Benchmarks;

/// <summary>
/// Orders through one execution gateway on the paper broker (one silo in this process): N orders one after another from
/// one client, then N from 8 clients at once, in orders per second, with the client's round trip and, from the silo's own
/// histograms (<see cref="TradingMetrics"/>), the gateway's time per order and the breaker check's. The baseline, in the
/// same run: the same orders through the library alone (quote, paper broker, book; no Orleans, no storage).
/// </summary>
public static class TradingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var orders = args.Length > 2 && args[1] == "--orders" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;
        var root = Directory.CreateTempSubdirectory("research-bench-trading-").FullName;
        try
        {
            var layout = new WarehouseLayout(Path.Combine(root, "warehouse"));
            var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 100, Years = 2, EndYear = 2024, Seed = 3, IntradaySymbols = 0 });
            foreach (var dataset in new[] { "crsp/daily", "crsp/names" })
            {
                await new SyncManager(layout, TimeProvider.System).SyncAsync(dataset, SyncMode.Full, source, "bench");
            }

            var tickers = Tickers(layout, 20);
            OrderTicket Ticket(string prefix, int i) => new($"{prefix}-{i}", tickers[(i / 2) % tickers.Count], i % 2 == 0 ? TicketSide.Buy : TicketSide.Sell, 1);
            Console.WriteLine($"{orders} orders of 1 share over {tickers.Count} tickers (buy, then sell the same), paper broker, one gateway; {Environment.ProcessorCount} cores");

            // Baseline: the library's order path in this process.
            var quotes = new WarehouseQuotes(layout, TimeProvider.System);
            foreach (var t in tickers)
            {
                quotes.Find(t); // quotes read once, as the gateway would with a warm cache
            }

            var book = new AccountBook { Cash = 1_000_000 };
            var baseline = Stopwatch.StartNew();
            for (var i = 0; i < orders; i++)
            {
                var t = Ticket("b", i);
                var record = new OrderRecord { Request = new OrderRequest(t.ClientOrderId, t.Symbol, t.Side == TicketSide.Buy ? OrderSide.Buy : OrderSide.Sell, t.Quantity) };
                var quote = quotes.Find(t.Symbol);
                var execution = PaperBroker.Execute(record, quote, book, PaperBrokerSettings.Default);
                book.Apply(new Fill(i, t.ClientOrderId, t.Symbol, record.Request.Side, execution.Quantity, execution.Price, execution.Cost, quote!.AsOf, null));
            }

            var baselineRate = orders / baseline.Elapsed.TotalSeconds;
            var (orderMs, breakerMs) = (new List<double>(), new List<double>());
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TradingMetrics.MeterName && instrument.Name is "research.trading.order.duration" or "research.trading.breaker_check.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            {
                lock (orderMs)
                {
                    (instrument.Name == "research.trading.order.duration" ? orderMs : breakerMs).Add(value);
                }
            });
            listener.Start();

            var cluster = await BenchCluster.StartAsync(1, layout, Path.Combine(root, "cluster"));
            try
            {
                var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("bench");
                for (var i = 0; i < 50; i++)
                {
                    await gateway.SubmitAsync(Ticket("warm", i)); // activation, storage, quotes
                }

                lock (orderMs)
                {
                    orderMs.Clear();
                    breakerMs.Clear();
                }

                var roundTrips = new List<double>();
                var sequential = Stopwatch.StartNew();
                for (var i = 0; i < orders; i++)
                {
                    var one = Stopwatch.GetTimestamp();
                    await gateway.SubmitAsync(Ticket("s", i));
                    roundTrips.Add(Stopwatch.GetElapsedTime(one).TotalMilliseconds);
                }

                var sequentialRate = orders / sequential.Elapsed.TotalSeconds;
                var concurrent = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
                {
                    for (var i = c; i < orders; i += 8)
                    {
                        await gateway.SubmitAsync(Ticket($"c{c}", i - c + (c % 2))); // each client buys then sells its own
                    }
                })));
                var concurrentRate = orders / concurrent.Elapsed.TotalSeconds;
                var account = await gateway.AccountAsync();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"library alone (baseline): {baselineRate:N0} orders/s"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gateway, one client: {sequentialRate:N0} orders/s ({baselineRate / sequentialRate:N0} times slower than the baseline); round trip p50 {Pct(roundTrips, 0.5):F2} ms, p99 {Pct(roundTrips, 0.99):F2} ms"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gateway, 8 clients: {concurrentRate:N0} orders/s"));
                lock (orderMs)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in the silo, per order ({orderMs.Count}): p50 {Pct(orderMs, 0.5):F2} ms, p99 {Pct(orderMs, 0.99):F2} ms; breaker check ({breakerMs.Count}): p50 {Pct(breakerMs, 0.5):F3} ms, p95 {Pct(breakerMs, 0.95):F3} ms, p99 {Pct(breakerMs, 0.99):F3} ms"));
                }

                Console.WriteLine($"account: {account.Orders} orders, {account.OpenOrders} open, equity {account.Equity:N2}");
            }
            finally
            {
                await cluster.DisposeAsync();
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static double Pct(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }

    private static List<string> Tickers(WarehouseLayout layout, int count)
    {
        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, ["crsp/daily", "crsp/names"]);
        var rows = session.Query($"SELECT n.ticker FROM crsp.names n JOIN crsp.daily d ON d.permno = n.permno AND d.date = (SELECT max(date) FROM crsp.daily) WHERE d.date BETWEEN n.namedt AND n.nameendt AND d.vol > 100000 ORDER BY n.ticker LIMIT {count}").Rows;
        return [.. rows.Select(r => (string)r[0]!)];
    }
}
