using Microsoft.Extensions.Logging;
using Research.Alerts;
using Research.Data.Warehouse;
using Research.Grains.Alerts;
using Research.Grains.Backtests;
using Research.Platform.Storage.Alerts;
using Research.Reports;

namespace Research.Grains.Reports;

/// <summary>Where reports go and how they are printed: <c>Research:Reports:Chromium</c> (the executable; default: the usual locations).</summary>
public sealed record ReportOptions
{
    public const string Section = "Research:Reports";

    public string? Chromium { get; init; }
}

/// <summary>
/// Makes a report end to end for the report grains (orchestration only; the reports themselves are
/// <c>Research.Reports</c>):
/// 1. checks the template, subject and channels before any work (an unknown one is refused by name);
/// 2. builds the page from the stored result or the warehouse catalog, with the data versions it read;
/// 3. prints it to PDF in Chromium; a failure to print is recorded on the report (the HTML is still archived);
/// 4. publishes it whole into the archive;
/// 5. sends it to each channel with the alert service's retries, and records each delivery on the report.
/// </summary>
public sealed class ReportServices(WarehouseLayout layout, ReportOptions options, TimeProvider clock, IServiceProvider services, ILogger<ReportServices> logger) : IDisposable
{
    public ReportArchive Archive { get; } = new(Path.Combine(layout.Root, "reports"));

    public PdfPrinter Printer { get; } = new(options.Chromium);

    public void Dispose() => Archive.Dispose();

    /// <summary>Refuses an unknown template, a missing subject or an unknown channel, naming it; returns the channels.</summary>
    public async Task<IReadOnlyList<AlertChannel>> CheckAsync(string template, string? subject, IReadOnlyList<string> channels)
    {
        ReportTemplates.Check(template, subject);
        if (channels.Count == 0)
        {
            return [];
        }

        var store = services.GetService(typeof(AlertStore)) as AlertStore ?? throw new ArgumentException("channels: this cluster has no alert service to send reports through.");
        var known = (await store.ChannelsAsync().ConfigureAwait(false)).ToDictionary(c => c.Name, StringComparer.Ordinal);
        return [.. channels.Select(n => known.TryGetValue(n, out var c) ? c : throw new ArgumentException($"channels: there is no alert channel '{n}' (see research alerts channels)."))];
    }

    /// <summary>Makes, archives and sends one report; <paramref name="trigger"/> is <c>manual</c> or <c>schedule NAME</c>.</summary>
    public async Task<ArchivedReport> MakeAsync(string template, string? subject, IReadOnlyList<string> channelNames, string trigger, string requestedBy, CancellationToken cancellationToken = default)
    {
        var channels = await CheckAsync(template, subject, channelNames).ConfigureAwait(false);
        var at = clock.GetUtcNow();
        var document = template switch
        {
            ReportTemplates.DataQuality => DataQualityReport.Build(layout, at),
            ReportTemplates.Backtest => await BacktestReport.BuildAsync(layout, Backtests.Series, Backtests.Index, subject!, at, cancellationToken).ConfigureAwait(false),
            ReportTemplates.Risk => await RiskReport.BuildAsync(layout, Backtests.Series, Backtests.Index, subject!, at, clock, cancellationToken: cancellationToken).ConfigureAwait(false),
            _ => await BacktestReport.BuildForStrategyAsync(layout, Backtests.Series, Backtests.Index, subject!, at, cancellationToken).ConfigureAwait(false),
        };
        byte[]? pdf = null;
        string? pdfError = null;
        try
        {
            pdf = await Printer.PrintAsync(document.Html, cancellationToken).ConfigureAwait(false);
        }
        catch (ReportPrintException e)
        {
            pdfError = e.Message;
            logger.LogWarning("Report {Title}: no PDF ({Reason}); the HTML is archived", document.Title, e.Message);
        }

        var entry = await Archive.StoreAsync(document, pdf, pdfError, trigger, requestedBy, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Report {Id} ({Template} {Subject}) archived, {Trigger}", entry.Id, template, subject, trigger);
        return channels.Count == 0 ? entry : await SendAsync(entry, channels, requestedBy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends an archived report to <paramref name="channels"/> and records the deliveries.</summary>
    public async Task<ArchivedReport> SendAsync(ArchivedReport entry, IReadOnlyList<AlertChannel> channels, string requestedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var sender = (AlertSender)services.GetService(typeof(AlertSender))!;
        var alerts = services.GetService(typeof(AlertOptions)) as AlertOptions ?? new AlertOptions();
        var html = await Archive.ReadAsync(entry.Id, "html", cancellationToken).ConfigureAwait(false);
        var pdf = entry.PdfSha256 is null ? null : await Archive.ReadAsync(entry.Id, "pdf", cancellationToken).ConfigureAwait(false);
        var message = ReportMessage.Of(entry, new Uri(alerts.ConsoleUrl, $"reports?id={entry.Id}"), pdf, html);
        var deliveries = new List<ReportDelivery>();
        foreach (var channel in channels)
        {
            var attempts = await sender.DeliverAsync(channel, message, alerts.AttemptsPerRound, alerts.FirstRetryDelay, 1, cancellationToken).ConfigureAwait(false);
            var delivered = attempts.Any(a => a.Delivered);
            deliveries.Add(new ReportDelivery(channel.Name, clock.GetUtcNow(), delivered, attempts.Count, delivered ? null : attempts[^1].Reason, requestedBy));
            if (!delivered)
            {
                logger.LogWarning("Report {Id}: not delivered to {Channel} after {Attempts} attempt(s): {Reason}", entry.Id, channel.Name, attempts.Count, attempts[^1].Reason);
            }
        }

        return await Archive.RecordDeliveriesAsync(entry.Id, deliveries, cancellationToken).ConfigureAwait(false);
    }

    private BacktestServices Backtests =>
        services.GetService(typeof(BacktestServices)) as BacktestServices ?? throw new ArgumentException("subject: this cluster keeps no backtest results to report on.");
}
