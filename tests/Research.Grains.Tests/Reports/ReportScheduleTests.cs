using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using netDumbster.smtp;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Research.Alerts;
using Research.Data.Quality;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Alerts;
using Research.Grains.Abstractions.Reports;
using Research.Grains.Alerts;
using Research.Grains.Client;
using Research.Grains.Hosting;
using Research.Grains.Reports;
using Research.Grains.Tests.Trading;
using Research.Platform.Storage.Alerts;
using Research.Platform.Storage.Security;
using Research.Silo.Storage;
using Research.Testing;
using UglyToad.PdfPig;

namespace Research.Grains.Tests.Reports;

/// <summary>
/// Report schedules on a test cluster with a fake clock, the system Chromium and an in-process SMTP server: a weekly
/// schedule in New York time fires once from the reminder's tick, its PDF is archived and mailed, and the PDF's text
/// carries the warehouse's figures.
/// </summary>
public sealed class ReportScheduleTests
{
    [Fact]
    public async Task A_weekly_schedule_fires_from_its_reminder_once_archives_the_pdf_and_mails_it_with_the_figures()
    {
        var ct = TestContext.Current.CancellationToken;
        var chromium = TestEnvironment.RequireChromium();
        using var dir = TestEnvironment.CreateTempDirectory("report-schedule");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero)); // Monday, 09:00 in New York (EST)
        var layout = new WarehouseLayout(Path.Combine(dir.Path, "warehouse"));
        var publisher = new DatasetPublisher(layout, clock);
        async Task PublishAsync(string dataset, long rows, bool quarantine, params ValidationFinding[] validation)
        {
            await ManifestOnlyVersions.PublishAsync(publisher, dir.Path, dataset, rows, quarantine, validation, ct);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        await PublishAsync("crsp/daily", 1234, false, new ValidationFinding("crsp/daily", null, "row-count", true, "1234 rows"));
        await PublishAsync("crsp/daily", 300, true, new ValidationFinding("crsp/daily", null, "row-drop", false, "300 rows vs 1234 in the parent version (75.7% fewer, at most 20%)"));
        using var smtp = SimpleSmtpServer.Start(FreePorts.Next());
        var security = SecurityStorage.Open(null, dir.Path, TimeProvider.System);

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            var database = Path.Combine(dir.Path, "grains.db");
            silo.Services.AddGrainStorage(GrainStorageNames.Research, (sp, _) => new SqliteGrainStorage(database, sp.GetRequiredService<IGrainStorageSerializer>(), TimeProvider.System));
            silo.AddResearchWarehouse(layout, clock);
            silo.Services.AddSingleton(security);
            silo.Services.AddSingleton(new AlertSender(new HttpClient { Timeout = TimeSpan.FromSeconds(5) }, clock, TimeProvider.System));
            silo.AddResearchAlerts(AlertStore.Sqlite(dir.Path), new AlertOptions { ConsoleUrl = new Uri("http://console.test:5000/"), FirstRetryDelay = TimeSpan.FromMilliseconds(20) });
            silo.AddResearchReports(new ReportOptions { Chromium = chromium });
            silo.UseInMemoryReminderService();
        });
        builder.ConfigureClient(client => client.UseCallerIdentity(TradingCluster.Operator));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        await cluster.Client.GetGrain<IAlertGrain>(0).PutChannelAsync(new AlertChannelInput("ops-mail", "email", new Dictionary<string, string>
        {
            ["host"] = "127.0.0.1",
            ["port"] = smtp.Configuration.Port.ToString(CultureInfo.InvariantCulture),
            ["from"] = "reports@research.local",
            ["to"] = "desk@research.local",
            ["security"] = "none",
        }, null));
        var schedules = cluster.Client.GetGrain<IReportScheduleGrain>(IReportScheduleGrain.Key);
        var reports = cluster.Client.GetGrain<IReportGrain>(0);

        // Refused by name before anything is stored.
        async Task<string> RefusedAsync(ReportSchedule s) => (await Assert.ThrowsAsync<ArgumentException>(() => schedules.SetAsync(s))).Message;
        Assert.StartsWith("Cron expression 'mondays'", await RefusedAsync(new ReportSchedule("q", "data-quality", null, "mondays", "America/New_York", [], "ops")), StringComparison.Ordinal);
        Assert.StartsWith("channels: there is no alert channel 'desk'", await RefusedAsync(new ReportSchedule("q", "data-quality", null, "30 7 * * 1", "America/New_York", ["desk"], "ops")), StringComparison.Ordinal);
        Assert.StartsWith("subject: template 'backtest' needs one", await RefusedAsync(new ReportSchedule("q", "backtest", null, "30 7 * * 1", "America/New_York", [], "ops")), StringComparison.Ordinal);
        Assert.StartsWith("name: 'a b' must be", await RefusedAsync(new ReportSchedule("a b", "data-quality", null, "30 7 * * 1", "America/New_York", [], "ops")), StringComparison.Ordinal);
        Assert.Empty(await schedules.ListAsync());

        // Mondays 07:30 in New York: the next one is after the switch to summer time (11:30 UTC, not 12:30).
        var set = await schedules.SetAsync(new ReportSchedule("weekly-quality", "data-quality", null, "30 7 * * 1", "America/New_York", ["ops-mail"], "ignored"));
        Assert.Equal((new DateTimeOffset(2026, 3, 9, 11, 30, 0, TimeSpan.Zero), "ops"), (set.NextRunAt!.Value, set.Schedule.RequestedBy));
        Task TickAsync() => schedules.AsReference<IRemindable>().ReceiveReminder(ReportScheduleGrain.ReminderName, default);
        await TickAsync();
        Assert.Null(Assert.Single(await schedules.ListAsync()).LastRun);

        clock.SetUtcNow(new DateTimeOffset(2026, 3, 9, 11, 31, 0, TimeSpan.Zero));
        await TickAsync();
        var ran = await Eventually.UntilAsync(async () => Assert.Single(await schedules.ListAsync()), s => s.LastRun is { Outcome: not "running" }, "the scheduled report to finish", cancellationToken: ct);
        Assert.True(ran.LastRun!.Outcome == "archived" && ran.LastRun.Error is null, $"{ran.LastRun.Outcome}: {ran.LastRun.Error}");
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 11, 30, 0, TimeSpan.Zero), ran.NextRunAt);
        await TickAsync(); // the same occurrence is not served twice
        var report = Assert.Single(await reports.ListAsync(10, null));
        Assert.Equal((ran.LastRun.ReportId, "schedule weekly-quality", "ops", true), (report.Id, report.Trigger, report.RequestedBy, report.HasPdf));
        Assert.Equal("v20260302T140000000Z", report.DataVersions["crsp/daily"]);
        var delivery = Assert.Single(report.Deliveries);
        Assert.Equal(("ops-mail", true, 1), (delivery.Channel, delivery.Delivered, delivery.Attempts));

        // The archived PDF opens and says what the warehouse holds; the mail carries the same file.
        var pdf = await reports.DownloadAsync(report.Id, "pdf");
        using (var document = PdfDocument.Open(pdf.Content))
        {
            var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            foreach (var expected in new[] { "Data quality", "crsp/daily", "v20260302T140000000Z", "1,234", "all 1 passed", "v20260302T140100000Z", "quarantined", "row-drop", "75.7% fewer" })
            {
                Assert.True(text.Contains(expected, StringComparison.Ordinal), $"'{expected}' is not in the PDF's text: {text}");
            }
        }

        var mail = Assert.Single(smtp.ReceivedEmail);
        Assert.Equal("Report: Data quality", mail.Subject);
        using var raw = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Data!));
        var message = await MimeMessage.LoadAsync(raw, ct);
        Assert.Contains("newer versions held back by validation: crsp/daily", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"http://console.test:5000/reports?id={report.Id}", message.TextBody, StringComparison.Ordinal);
        var attachment = Assert.IsType<MimePart>(Assert.Single(message.Attachments));
        Assert.Equal($"report-{report.Id}.pdf", attachment.FileName);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content, ct);
        Assert.Equal(pdf.Content, content.ToArray());

        // Sent again by hand: one more message and one more delivery on the report.
        var resent = await reports.ResendAsync(report.Id, ["ops-mail"]);
        Assert.Equal(2, resent.Deliveries.Length);
        Assert.Equal(2, smtp.ReceivedEmailCount);

        Assert.True(await schedules.RemoveAsync("weekly-quality"));
        Assert.False(await schedules.RemoveAsync("weekly-quality"));
        var audit = (await security.Audit.ReadAsync(new Research.Platform.Storage.Audit.AuditQuery(), ct)).Select(a => a.Entry).Where(e => e.Action.StartsWith("reports.", StringComparison.Ordinal)).Reverse().ToList();
        Assert.Equal(["reports.schedule.set", "reports.schedule.ran", "reports.download", "reports.resend", "reports.schedule.remove"], audit.Select(e => e.Action));
        Assert.Equal($"report {report.Id}", audit[1].Details);
    }
}
