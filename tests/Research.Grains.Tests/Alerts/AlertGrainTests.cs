using System.Text.Json.Nodes;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using netDumbster.smtp;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Research.Alerts;
using Research.Data.Quality;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Alerts;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Alerts;
using Research.Grains.Client;
using Research.Grains.Hosting;
using Research.Grains.Tests.Trading;
using Research.Grains.Trading;
using Research.Platform.Storage.Alerts;
using Research.Platform.Storage.Security;
using Research.Silo.Storage;
using Research.Testing;

namespace Research.Grains.Tests.Alerts;

/// <summary>The alert grain against local stand-ins for SMTP, Slack and Twilio: one message per channel, retries, a restart, throttling.</summary>
public sealed class AlertGrainTests
{
    private static readonly Uri Console = new("http://console.test:5000/");

    private static async Task<InProcessTestCluster> StartAsync(string scratch, FakeTimeProvider clock, TradingOptions? trading = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            var database = Path.Combine(scratch, "grains.db");
            silo.Services.AddGrainStorage(GrainStorageNames.Research, (sp, _) => new SqliteGrainStorage(database, sp.GetRequiredService<IGrainStorageSerializer>(), TimeProvider.System));
            silo.Services.AddSingleton<IStepUpVerifier>(new FixedCodeVerifier(TradingCluster.Code));
            silo.AddResearchWarehouse(new WarehouseLayout(Path.Combine(scratch, "warehouse")), clock);
            silo.AddResearchTrading(trading ?? new TradingOptions());
            silo.Services.AddSingleton(SecurityStorage.Open(null, scratch, TimeProvider.System));
            silo.Services.AddSingleton(new AlertSender(new HttpClient { Timeout = TimeSpan.FromSeconds(5) }, clock, TimeProvider.System));
            silo.AddResearchAlerts(AlertStore.Sqlite(scratch), new AlertOptions { ConsoleUrl = Console, FirstRetryDelay = TimeSpan.FromMilliseconds(20) });
            silo.AddResearchHealth();
            silo.UseInMemoryReminderService();
        });
        builder.ConfigureClient(client => client.UseCallerIdentity(TradingCluster.Operator));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task A_trip_delivers_one_message_per_channel_retries_a_flaky_one_and_a_channel_down_delivers_once_after_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("alerts");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero));
        using var smtp = SimpleSmtpServer.Start(FreePorts.Next());
        await using var slack = new HttpStub();
        await using var twilio = new HttpStub(201, """{"sid":"SM1"}""");
        slack.Fail(500).Fail(500); // delivered on the third attempt
        twilio.Down(); // stays down

        long alertId;
        await using (var cluster = await StartAsync(dir.Path, clock))
        {
            var alerts = cluster.Client.GetGrain<IAlertGrain>(0);
            await alerts.PutChannelAsync(new AlertChannelInput("ops-mail", "email", new Dictionary<string, string>
            {
                ["host"] = "127.0.0.1",
                ["port"] = smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["from"] = "alerts@research.local",
                ["to"] = "ops@research.local",
                ["security"] = "none",
            }, null));
            await alerts.PutChannelAsync(new AlertChannelInput("ops-slack", "slack", [], new Uri(slack.Address, "services/T1/B1/hook-secret").ToString()));
            await alerts.PutChannelAsync(new AlertChannelInput("ops-sms", "sms", new Dictionary<string, string>
            {
                ["account-sid"] = "AC1",
                ["from"] = "+15005550006",
                ["to"] = "+15005550010",
                ["base-url"] = twilio.Address.ToString(),
            }, "twilio-token-secret"));
            Assert.Contains("channel 'nowhere' does not exist", (await Assert.ThrowsAsync<ArgumentException>(() => alerts.PutRuleAsync(new AlertRuleView("trips", "breaker-tripped", 1, ["nowhere"])))).Message, StringComparison.Ordinal);
            await alerts.PutRuleAsync(new AlertRuleView("trips", "breaker-tripped", 1, ["ops-mail", "ops-slack", "ops-sms"], "critical", "account:*"));
            Assert.All(await alerts.ChannelsAsync(), c => Assert.DoesNotContain("secret", string.Join(",", c.Settings.Values), StringComparison.Ordinal));
            Assert.True((await alerts.ChannelsAsync()).Single(c => c.Name == "ops-slack").SecretSet);

            await cluster.Client.GetGrain<ICircuitBreakerGrain>("account:desk-1").TripAsync("desk review");
            var failed = await Eventually.UntilAsync(() => alerts.HistoryAsync(10), h => h.Length == 1 && h[0].Deliveries.Count(d => d.Status != "pending") == 3,
                "the trip's alert delivered on two channels and failed on one", cancellationToken: ct);
            var alert = failed[0];
            alertId = alert.Id;
            Assert.Equal(("trips", "breaker-tripped", "account:desk-1", 1.0, 1.0, "critical"), (alert.Rule, alert.Condition, alert.Subject, alert.Value, alert.Threshold, alert.Severity));
            Assert.Equal([("ops-mail", "sent", 1), ("ops-slack", "sent", 3), ("ops-sms", "failed", 3)], alert.Deliveries.OrderBy(d => d.Channel).Select(d => (d.Channel, d.Status, d.Attempts)));
            Assert.Contains("Twilio answered 503", alert.Deliveries.Single(d => d.Channel == "ops-sms").LastReason, StringComparison.Ordinal);
            var attempts = await alerts.AttemptsAsync(alert.Id);
            Assert.Equal([false, false, true], attempts.Where(a => a.Channel == "ops-slack").Select(a => a.Delivered));
            Assert.All(attempts, a => Assert.DoesNotContain("secret", a.Reason ?? string.Empty, StringComparison.Ordinal));

            // One message per channel, with the rule, the value, the threshold and a link to the console.
            var mail = Assert.Single(smtp.ReceivedEmail);
            Assert.Equal("[CRITICAL] trips: breaker-tripped account:desk-1 = 1 (threshold >= 1)", mail.Subject);
            Assert.Contains("Console: http://console.test:5000/trading", mail.MessageParts[0].BodyData, StringComparison.Ordinal);
            Assert.Contains("Detail: tripped by ops (manual): desk review", mail.MessageParts[0].BodyData, StringComparison.Ordinal);
            var posted = Assert.Single(slack.Delivered);
            Assert.StartsWith("*[CRITICAL] trips:", (string?)JsonNode.Parse(posted.Body)!["text"], StringComparison.Ordinal);

            // The same condition again while the alert stands: no new alert, no new message.
            await cluster.Client.GetGrain<ICircuitBreakerGrain>("account:desk-1").TripAsync("again");
            Assert.Equal("continue", Assert.Single(await alerts.ObserveAsync(new AlertObservationView("breaker-tripped", "account:desk-1", 1, clock.GetUtcNow()))).Decision);
            Assert.Single(await alerts.HistoryAsync(10));
        }

        // A restart with Twilio back: the failed delivery goes once its retry time has come, and nothing else is resent.
        twilio.Up();
        clock.Advance(TimeSpan.FromMinutes(5));
        await using (var cluster = await StartAsync(dir.Path, clock))
        {
            var alerts = cluster.Client.GetGrain<IAlertGrain>(0);
            var after = await Eventually.UntilAsync(() => alerts.HistoryAsync(10), h => h[0].Deliveries.All(d => d.Status == "sent"), "the SMS delivered after the restart", cancellationToken: ct);
            Assert.Equal(4, after[0].Deliveries.Single(d => d.Channel == "ops-sms").Attempts);
            var sms = Assert.Single(twilio.Delivered);
            Assert.StartsWith("[CRITICAL] trips:", HttpUtility.ParseQueryString(sms.Body)["Body"], StringComparison.Ordinal);
            await alerts.DeliverDueAsync();
            await alerts.HistoryAsync(1); // the one-way call above has run once this answers
            Assert.Equal((1, 1, 1), (smtp.ReceivedEmailCount, slack.Delivered.Count, twilio.Delivered.Count));
            Assert.Equal(alertId, after[0].Id);

            var acked = await alerts.AcknowledgeAsync(alertId, "desk checked, breaker stays tripped");
            Assert.Equal(("acknowledged", "ops"), (acked.State, acked.AcknowledgedBy));
        }
    }

    [Fact]
    public async Task A_condition_true_for_an_hour_sends_one_message_plus_one_escalation_unless_acknowledged()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("alerts-throttle");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero));
        await using var slack = new HttpStub();
        await using var cluster = await StartAsync(dir.Path, clock);
        var alerts = cluster.Client.GetGrain<IAlertGrain>(0);
        await alerts.PutChannelAsync(new AlertChannelInput("ops-slack", "slack", [], new Uri(slack.Address, "hook").ToString()));
        await alerts.PutRuleAsync(new AlertRuleView("slow", "latency-p99", 500, ["ops-slack"], "warning", "gateway.submit", ThrottleMinutes: 120, EscalateAfterMinutes: 30));
        await alerts.PutRuleAsync(new AlertRuleView("slow-acked", "latency-p99", 500, ["ops-slack"], "warning", "scheduler.tick", EscalateAfterMinutes: 30));

        for (var minute = 0; minute <= 60; minute += 5)
        {
            await alerts.ObserveAsync(new AlertObservationView("latency-p99", "gateway.submit", 800, clock.GetUtcNow()));
            await alerts.ObserveAsync(new AlertObservationView("latency-p99", "scheduler.tick", 900, clock.GetUtcNow()));
            if (minute == 10)
            {
                var acked = (await alerts.HistoryAsync(10)).Single(a => a.Rule == "slow-acked");
                await alerts.AcknowledgeAsync(acked.Id, "known: a rebalance is running");
            }

            await alerts.DeliverDueAsync();
            await alerts.HistoryAsync(1);
            clock.Advance(TimeSpan.FromMinutes(5));
        }

        var texts = slack.Delivered.Select(r => (string)JsonNode.Parse(r.Body)!["text"]!).ToList();
        Assert.Equal(3, texts.Count);
        Assert.Single(texts, t => t.StartsWith("*[WARNING] slow: latency-p99 gateway.submit = 800 (threshold >= 500)*", StringComparison.Ordinal));
        Assert.Single(texts, t => t.StartsWith("*[WARNING] ESCALATED slow:", StringComparison.Ordinal));
        Assert.Single(texts, t => t.StartsWith("*[WARNING] slow-acked:", StringComparison.Ordinal));
        var history = await alerts.HistoryAsync(10);
        Assert.Equal(2, history.Length);
        Assert.True(history.Single(a => a.Rule == "slow").Escalated);
        Assert.False(history.Single(a => a.Rule == "slow-acked").Escalated);

        // It clears, then comes back within the rule's two-hour throttle (counted from the alert): folded into it, not sent.
        await alerts.ObserveAsync(new AlertObservationView("latency-p99", "gateway.submit", 100, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("throttled", (await alerts.ObserveAsync(new AlertObservationView("latency-p99", "gateway.submit", 700, clock.GetUtcNow()))).Single().Decision);
        await Eventually.UntilAsync(() => alerts.HistoryAsync(10), h => h.Single(a => a.Rule == "slow").Folded == 1, "the return folded", cancellationToken: ct);
        Assert.Equal(3, slack.Delivered.Count);
    }

    [Fact]
    public async Task A_gateways_gross_exposure_and_drawdown_reach_their_rules()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("alerts-drawdown");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero));
        await using var slack = new HttpStub();
        await using var broker = new AlpacaStub(cash: 10_000);
        var trading = new TradingOptions
        {
            Limits = Research.Trading.Breakers.BreakerLimits.None,
            Alpaca = new Dictionary<string, Research.Trading.Brokers.AlpacaSettings> { ["dd-1"] = new(broker.Address, AlpacaStub.KeyId, AlpacaStub.Secret) },
        };
        await using var cluster = await StartAsync(dir.Path, clock, trading);
        var alerts = cluster.Client.GetGrain<IAlertGrain>(0);
        await alerts.PutChannelAsync(new AlertChannelInput("ops-slack", "slack", [], new Uri(slack.Address, "hook").ToString()));
        await alerts.PutRuleAsync(new AlertRuleView("dd", "drawdown", 0.05, ["ops-slack"], "critical", "account:*"));
        await alerts.PutRuleAsync(new AlertRuleView("gross", "gross-exposure", 0.9, ["ops-slack"], "warning", "account:*"));

        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("dd-1");
        await gateway.SubmitAsync(new OrderTicket("b-1", "AAPL", TicketSide.Buy, 1_000));
        broker.FillOrder("b-1", 1_000, 10);
        clock.Advance(TimeSpan.FromMinutes(2)); // risk is reported at most once a minute (the submit reported it)
        await gateway.WorkAsync(); // equity 10,000 at the peak: drawdown 0; all of it in AAPL: gross exposure 1
        await Eventually.UntilAsync(() => slack.Delivered.Count == 1, "the gross exposure alert", cancellationToken: ct);
        Assert.StartsWith("*[WARNING] gross: gross-exposure account:dd-1 = 1 (threshold >= 0.9)*", (string?)JsonNode.Parse(slack.Delivered[0].Body)!["text"], StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromMinutes(2));
        broker.Price("AAPL", 9);
        await gateway.WorkAsync(); // marked at 9: equity 9,000, 10% below the peak
        await Eventually.UntilAsync(() => slack.Delivered.Count == 2, "the drawdown alert", cancellationToken: ct);
        Assert.StartsWith("*[CRITICAL] dd: drawdown account:dd-1 = 0.1 (threshold >= 0.05)*", (string?)JsonNode.Parse(slack.Delivered[1].Body)!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sweep_raises_and_resolves_stale_datasets_failed_quality_checks_and_slow_calls_even_with_a_source_down()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("alerts-sweep");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero));
        var layout = new WarehouseLayout(Path.Combine(dir.Path, "warehouse"));
        var publisher = new DatasetPublisher(layout, clock);
        async Task PublishAsync(string dataset, bool quarantine, params ValidationFinding[] validation)
        {
            await ManifestOnlyVersions.PublishAsync(publisher, dir.Path, dataset, 100, quarantine, validation, ct);
            clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        await PublishAsync("crsp/daily", false, new ValidationFinding("crsp/daily", null, "row-drop", true, "100 rows vs 100"));
        await PublishAsync("ff/factors", false);
        await PublishAsync("crsp/daily", true, new ValidationFinding("crsp/daily", null, "row-drop", false, "40 rows vs 100 in the parent version (60.0% fewer, at most 20%)"));
        clock.Advance(TimeSpan.FromHours(25));

        await using var slack = new HttpStub();
        await using var cluster = await StartAsync(dir.Path, clock);
        var alerts = cluster.Client.GetGrain<IAlertGrain>(0);
        await alerts.PutChannelAsync(new AlertChannelInput("ops-slack", "slack", [], new Uri(slack.Address, "hook").ToString()));
        await alerts.PutRuleAsync(new AlertRuleView("stale", "sync-stale", 24, ["ops-slack"]));
        await alerts.PutRuleAsync(new AlertRuleView("quality", "data-quality", 1, ["ops-slack"]));
        await alerts.PutRuleAsync(new AlertRuleView("slow", "latency-p99", 500, ["ops-slack"], "warning", "grain:*"));
        await alerts.PutRuleAsync(new AlertRuleView("stuck", "job-stuck", 30, ["ops-slack"])); // no backtest scheduler in this cluster: its look fails, the others go on
        var histogram = new Research.Grains.Client.Monitoring.LatencyHistogram();
        for (var i = 0; i < 30; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(i < 25 ? 5 : 900));
        }

        await cluster.Client.GetGrain<Research.Grains.Abstractions.Health.IHealthGrain>(0).ReportAsync(new Research.Grains.Abstractions.Health.LatencyReport("test", clock.GetUtcNow(),
            [new Research.Grains.Abstractions.Health.LatencySample("grain", "IQuoteGrain.Latest", histogram.TakeCounts())]));
        await alerts.DeliverDueAsync();
        var raised = await Eventually.UntilAsync(() => alerts.HistoryAsync(10), h => h.Length == 4 && h.All(a => a.Deliveries.All(d => d.Status == "sent")), "four alerts from one sweep", cancellationToken: ct);
        Assert.Equal(["quality crsp/daily 1", "slow grain:IQuoteGrain.Latest", "stale crsp/daily", "stale ff/factors"],
            raised.Select(a => a.Rule == "quality" ? $"{a.Rule} {a.Subject} {a.Value}" : $"{a.Rule} {a.Subject}").Order(StringComparer.Ordinal));
        Assert.InRange(raised.Single(a => a.Subject == "ff/factors").Value, 25, 25.01);
        Assert.InRange(raised.Single(a => a.Rule == "slow").Value, 900, 990); // the bucket bound: at most 10% above
        Assert.Contains("[row-drop] 40 rows vs 100", raised.Single(a => a.Rule == "quality").Detail, StringComparison.Ordinal);
        Assert.Contains("(quarantined)", raised.Single(a => a.Rule == "quality").Detail, StringComparison.Ordinal);
        Assert.Equal(4, slack.Delivered.Count);

        // A minute later, nothing new (the conditions still hold); then a good version of crsp/daily resolves its two alerts.
        clock.Advance(TimeSpan.FromMinutes(1));
        await alerts.DeliverDueAsync();
        Assert.Equal(4, (await alerts.HistoryAsync(10)).Length);
        await PublishAsync("crsp/daily", false, new ValidationFinding("crsp/daily", null, "row-drop", true, "100 rows vs 100"));
        clock.Advance(TimeSpan.FromMinutes(1));
        await alerts.DeliverDueAsync();
        var after = await Eventually.UntilAsync(() => alerts.HistoryAsync(10), h => h.Count(a => a.State == "resolved") == 3, "crsp/daily's alerts and the slow call's resolved", cancellationToken: ct);
        Assert.Equal(["quality crsp/daily", "slow grain:IQuoteGrain.Latest", "stale crsp/daily"],
            after.Where(a => a.State == "resolved").Select(a => $"{a.Rule} {a.Subject}").Order(StringComparer.Ordinal));
        Assert.Equal("open", after.Single(a => a.Subject == "ff/factors").State);
        Assert.Equal(4, slack.Delivered.Count);
    }
}
