using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Research.Grains.Client;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>
/// A console whose silos are not up yet serves HTTP at once and says it is alive but not ready, so a Kubernetes liveness
/// probe does not restart it in a loop (it used to wait two minutes for a gateway before listening, then exit).
/// </summary>
public sealed class ConsoleWithoutClusterTests
{
    [Fact]
    public async Task With_no_gateway_reachable_health_is_degraded_and_ready_is_not()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("console-alone");
        var port = ConsolePlatform.FreePort();
        var settings = new Dictionary<string, string?>
        {
            [ConfigurationKeys.Profile] = "Development",
            [ConfigurationKeys.DataRoot] = dir.Path,
            [ConfigurationKeys.GatewayPort] = ConsolePlatform.FreePort().ToString(CultureInfo.InvariantCulture), // nothing listens
            [ConfigurationKeys.Urls] = $"http://127.0.0.1:{port}",
        };
        var app = ConsoleHost.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.ClearProviders();
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = app.StartAsync(stop.Token); // does not finish while the client waits for a gateway
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var health = await Eventually.UntilAsync(async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), ct);
                    return ((HttpStatusCode?)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
                }
                catch (HttpRequestException)
                {
                    return ((HttpStatusCode?)null, string.Empty);
                }
            }, r => r.Item1 is not null, "the console to answer /health", cancellationToken: ct);
            Assert.Equal((HttpStatusCode.OK, "Degraded"), (health.Item1!.Value, health.Item2));
            using var ready = await http.GetAsync(new Uri("/ready", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var signIn = await http.GetAsync(new Uri("/signin", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.False(running.IsCompleted, "the host is still waiting for the cluster");
        }
        finally
        {
            await stop.CancelAsync();
            await running.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            await app.DisposeAsync();
        }
    }
}
