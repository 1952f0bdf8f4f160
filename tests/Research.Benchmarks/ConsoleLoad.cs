using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Research.Platform.Storage.Security;
using Research.Testing;

namespace Research.Benchmarks;

/// <summary>
/// The console under load: N signed-in users (viewers, each with their own session) browse result pages of a running
/// platform (<c>research up</c>) for a fixed time: by default the job list, a backtest result, the performance dashboard
/// and their account (<c>--pages</c> sets the list, e.g. with the health page), in random order without think time. Each page time is from request to the last byte of the server-rendered
/// HTML (the page's data fetched through the cluster, session checked); the browser's interactive circuit that follows
/// is not driven. Users are created in the platform's user store under the data root; one researcher submits the
/// backtest whose result everyone browses.
/// </summary>
public static class ConsoleLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Text(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var url = new Uri(Text("--url", "http://127.0.0.1:5080"));
        var dataRoot = Path.GetFullPath(Text("--data-root", "data"));
        var users = int.Parse(Text("--users", "50"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(Text("--seconds", "60"), CultureInfo.InvariantCulture);
        var thinkMs = int.Parse(Text("--think-ms", "0"), CultureInfo.InvariantCulture);
        var storage = SecurityStorage.Open(null, dataRoot, TimeProvider.System);
        var run = Guid.NewGuid().ToString("N")[..6];

        // One researcher runs the backtest everyone will browse.
        var researcher = await TestUsers.CreateAsync(storage, $"load-r-{run}", "researcher", twoFactor: false);
        using var author = new ConsoleClient(url);
        Check(await author.SignInAsync(researcher.Name, researcher.Password), "researcher sign-in");
        var jobId = await SubmitAndWaitAsync(author);
        Console.WriteLine($"result to browse: {jobId}");

        // N viewers sign in (pacing themselves on 429 like a person would retry).
        var clients = new List<ConsoleClient>();
        for (var u = 0; u < users; u++)
        {
            var viewer = await TestUsers.CreateAsync(storage, $"load-v{u}-{run}", "viewer", twoFactor: false);
            var client = new ConsoleClient(url);
            string? where;
            while ((where = await client.SignInAsync(viewer.Name, viewer.Password)) is { } w && w.Contains("429", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            Check(where, $"viewer {u} sign-in");
            clients.Add(client);
        }

        var grants = clients.Count;
        Console.WriteLine($"{grants} users signed in; browsing for {seconds} s on {Environment.ProcessorCount} cores, think time {(thinkMs == 0 ? "none" : $"0-{2 * thinkMs} ms (mean {thinkMs})")}");
        // --pages: a comma-separated list ({job} is the browsed result), e.g. /system-health,/backtests,/backtests/{job}.
        string[] pages = [.. Text("--pages", "/backtests,/backtests/{job},/dashboard,/account").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Replace("{job}", jobId, StringComparison.Ordinal))];
        var times = new ConcurrentBag<(string Page, double Ms, HttpStatusCode Status)>();
        var browsing = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);
        var workers = clients.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(index);
            while (browsing.Elapsed < duration)
            {
                var page = pages[random.Next(pages.Length)];
                var watch = Stopwatch.StartNew();
                var (status, _, _) = await client.GetAsync(page);
                times.Add((page.StartsWith("/backtests/", StringComparison.Ordinal) ? "/backtests/{id}" : page, watch.Elapsed.TotalMilliseconds, status));
                if (thinkMs > 0)
                {
                    await Task.Delay(random.Next(thinkMs * 2));
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        var all = times.ToList();
        var failures = all.Count(t => t.Status != HttpStatusCode.OK);
        Console.WriteLine($"{all.Count} pages in {seconds} s ({all.Count / (double)seconds:F1}/s), {failures} not 200");
        Console.WriteLine($"{"page",-18} {"n",6} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var group in all.GroupBy(t => t.Page).OrderBy(g => g.Key, StringComparer.Ordinal).Append(all.GroupBy(_ => "all").Single()))
        {
            var ms = group.Select(t => t.Ms).Order().ToArray();
            Console.WriteLine($"{group.Key,-18} {ms.Length,6} {Pct(ms, 0.50),8:F0} {Pct(ms, 0.95),8:F0} {Pct(ms, 0.99),8:F0} {ms[^1],8:F0}");
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        return failures == 0 ? 0 : 1;
    }

    private static double Pct(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static void Check(string? where, string what)
    {
        if (where != "/")
        {
            throw new InvalidOperationException($"{what}: {where}");
        }
    }

    private static async Task<string> SubmitAndWaitAsync(ConsoleClient client)
    {
        var (_, _, page) = await client.GetAsync("/account");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/backtests", UriKind.Relative)) { Content = JsonContent.Create(new { strategy = "momentum" }) };
        request.Headers.Add("X-CSRF-TOKEN", ConsoleClient.Token(page));
        using var response = await client.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"submit: {(int)response.StatusCode} {body}");
        }

        var jobId = JsonDocument.Parse(body).RootElement.GetProperty("jobId").GetString()!;
        for (var i = 0; i < 600; i++)
        {
            var status = JsonDocument.Parse(await client.Http.GetStringAsync(new Uri($"/api/backtests/{jobId}", UriKind.Relative))).RootElement.GetProperty("status");
            var state = status.GetProperty("state").GetString();
            if (state == "succeeded")
            {
                return jobId;
            }

            if (state is "failed" or "cancelled")
            {
                throw new InvalidOperationException($"job {jobId} {state}: {status}");
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"job {jobId} did not finish in 5 minutes");
    }
}
