using Orleans.Concurrency;
using Research.Grains.Abstractions.Reports;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Audit;
using Research.Reports;

namespace Research.Grains.Reports;

/// <summary>Reports made now, and the archive (<see cref="IReportGrain"/>); the work is <see cref="ReportServices"/>'s.</summary>
[StatelessWorker]
public sealed class ReportGrain(ReportServices reports, Research.Platform.Storage.Security.SecurityStorage security) : Grain, IReportGrain
{
    private static string Actor => CallerIdentity.Current?.Actor ?? "cluster";

    public async Task<ReportInfo> RunAsync(string template, string? subject, string[] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var actor = Actor;
        var entry = await Task.Run(() => reports.MakeAsync(template, string.IsNullOrWhiteSpace(subject) ? null : subject.Trim(), channels, "manual", actor)).ConfigureAwait(true);
        await AuditAsync("reports.run", entry.Id, $"{template}{(subject is null ? string.Empty : " " + subject)}; {Delivered(entry)}").ConfigureAwait(true);
        return Info(entry);
    }

    public Task<ReportInfo[]> ListAsync(int limit, string? template) =>
        Task.FromResult(reports.Archive.List(Math.Clamp(limit, 0, 500), string.IsNullOrWhiteSpace(template) ? null : template).Select(Info).ToArray());

    public Task<ReportInfo?> GetAsync(string id) => Task.FromResult(reports.Archive.Get(id) is { } entry ? Info(entry) : null);

    public async Task<ReportFile> DownloadAsync(string id, string format)
    {
        var bytes = await reports.Archive.ReadAsync(id, format).ConfigureAwait(true);
        await AuditAsync("reports.download", id, format).ConfigureAwait(true);
        return new ReportFile($"report-{id}.{format}", format == "pdf" ? "application/pdf" : "text/html; charset=utf-8", bytes);
    }

    public async Task<ReportInfo> ResendAsync(string id, string[] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var entry = reports.Archive.Get(id) ?? throw new ArgumentException($"report '{id}' is not in the archive.");
        if (channels.Length == 0)
        {
            throw new ArgumentException("channels: name at least one alert channel to send the report to.");
        }

        var resolved = await reports.CheckAsync(entry.Template, entry.Subject, channels).ConfigureAwait(true);
        var actor = Actor;
        var sent = await Task.Run(() => reports.SendAsync(entry, resolved, actor)).ConfigureAwait(true);
        await AuditAsync("reports.resend", id, Delivered(sent with { Deliveries = sent.Deliveries.Skip(entry.Deliveries.Count).ToList() })).ConfigureAwait(true);
        return Info(sent);
    }

    /// <summary>The wire form of an archive entry.</summary>
    public static ReportInfo Info(ArchivedReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ReportInfo(r.Id, r.Template, r.Subject, r.Title, r.CreatedAt, r.Trigger, r.RequestedBy, new Dictionary<string, string>(r.DataVersions, StringComparer.Ordinal),
            [.. r.Highlights], r.PdfSha256 is not null, r.PdfError, [.. r.Deliveries.Select(d => new ReportDeliveryInfo(d.Channel, d.At, d.Delivered, d.Attempts, d.Reason, d.RequestedBy))]);
    }

    /// <summary>"sent to a, b; not to c (reason)" or "archived only".</summary>
    public static string Delivered(ArchivedReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.Deliveries.Count == 0)
        {
            return "archived only";
        }

        var sent = r.Deliveries.Where(d => d.Delivered).Select(d => d.Channel).ToList();
        var failed = r.Deliveries.Where(d => !d.Delivered).Select(d => $"{d.Channel} ({d.Reason})").ToList();
        return string.Join("; ", new[] { sent.Count > 0 ? "sent to " + string.Join(", ", sent) : null, failed.Count > 0 ? "not to " + string.Join(", ", failed) : null }.OfType<string>());
    }

    private async Task AuditAsync(string action, string target, string? detail) =>
        await security.Audit.AppendAsync(new AuditEntry(Actor, action, target, "ok", null, CallerIdentity.Current?.Origin, detail)).ConfigureAwait(true);
}
