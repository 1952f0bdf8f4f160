using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Research.Alerts;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Alerts;
using Research.Testing;

namespace Research.Benchmarks;

/// <summary>
/// From event to delivery: N observations, each raising a new alert (one subject each), sent one after another from a
/// client to the alert grain (one silo in this process, alerts in SQLite), each delivered to a local Slack stand-in;
/// the latency is the observation's call start to the stand-in's receipt of its message. The baseline, in the same
/// run: the same messages sent straight to the stand-in by the sender (no grain, no storage).
/// </summary>
public static class AlertBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 2 && args[1] == "--alerts" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        var root = Directory.CreateTempSubdirectory("research-bench-alerts-").FullName;
        await using var slack = new HttpStub();
        try
        {
            // Baseline: the sender alone.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var sender = new AlertSender(http, TimeProvider.System);
            var channel = new AlertChannel("bench", ChannelKind.Slack, new Dictionary<string, string>(), new Uri(slack.Address, "hook").ToString());
            var baseline = new List<double>();
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await sender.SendAsync(channel, new AlertMessage(i, $"baseline {i}", "body", AlertSeverity.Warning, slack.Address, false), CancellationToken.None);
                baseline.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            var cluster = await BenchCluster.StartAsync(1, new WarehouseLayout(Path.Combine(root, "warehouse")), Path.Combine(root, "cluster"));
            try
            {
                var alerts = cluster.Client.GetGrain<IAlertGrain>(0);
                await alerts.PutChannelAsync(new AlertChannelInput("bench", "slack", [], new Uri(slack.Address, "hook").ToString()));
                await alerts.PutRuleAsync(new AlertRuleView("bench", "metric", 1, ["bench"], "critical", "bench-*"));
                var started = new long[count];
                var total = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    started[i] = Stopwatch.GetTimestamp();
                    await alerts.ObserveAsync(new AlertObservationView("metric", $"bench-{i}", 2, DateTimeOffset.UtcNow));
                }

                while (slack.Delivered.Count < count * 2)
                {
                    if (total.Elapsed > TimeSpan.FromMinutes(10))
                    {
                        throw new TimeoutException($"{slack.Delivered.Count - count} of {count} alerts delivered in 10 minutes.");
                    }

                    await Task.Delay(20);
                }

                var seconds = total.Elapsed.TotalSeconds;
                var latency = new List<double>();
                foreach (var request in slack.Delivered.Skip(count))
                {
                    var text = (string)JsonNode.Parse(request.Body)!["text"]!;
                    var at = text.IndexOf("bench-", StringComparison.Ordinal) + "bench-".Length;
                    var i = int.Parse(text[at..text.IndexOf(' ', at)], CultureInfo.InvariantCulture);
                    latency.Add(Stopwatch.GetElapsedTime(started[i], request.Timestamp).TotalMilliseconds);
                }

                var history = await alerts.HistoryAsync(1000);
                var sent = history.Count(a => a.Deliveries.All(d => d.Status == "sent"));
                Console.WriteLine($"{count} alerts (one Slack channel, local stand-in), one silo, alerts in SQLite; {Environment.ProcessorCount} cores");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline (sender alone): p50 {P(baseline, 0.5):F2} / p95 {P(baseline, 0.95):F2} / p99 {P(baseline, 0.99):F2} ms"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"event to delivery:       p50 {P(latency, 0.5):F2} / p95 {P(latency, 0.95):F2} / p99 {P(latency, 0.99):F2} ms; max {latency.Max():F1} ms"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count / seconds:F0} alerts/s end to end; {sent} of the latest {history.Length} stored as sent; {slack.Delivered.Count - count} messages at the stand-in"));
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

    private static double P(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }
}
