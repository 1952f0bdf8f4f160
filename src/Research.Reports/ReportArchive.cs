using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Research.Data.Warehouse;

namespace Research.Reports;

/// <summary>
/// The report archive: one folder per report under <see cref="Root"/> (<c>DataRoot/reports</c>) with
/// <c>report.html</c>, <c>report.pdf</c> when one was printed, and <c>report.json</c> (<see cref="ArchivedReport"/>).
/// 1. A report is written complete into <c>.staging/ID</c>, each file flushed, then the folder is renamed into place:
///    a report is in the archive whole or not at all (a crash mid-write leaves only staging debris, cleared later).
/// 2. Ids sort by creation time (<c>yyyyMMdd-HHmmss-</c> and 8 random hex digits), so the history is a sorted listing.
/// 3. Files never change after publication; only the delivery list in <c>report.json</c> grows (written to a
///    temporary file and renamed over the old one, under a lock per archive).
/// </summary>
public sealed partial class ReportArchive(string root) : IDisposable
{
    private const string Metadata = "report.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly SemaphoreSlim _metadataLock = new(1, 1);

    public string Root { get; } = Path.GetFullPath(root);

    public void Dispose() => _metadataLock.Dispose();

    /// <summary>The file name of a report's <paramref name="format"/> (<c>html</c> or <c>pdf</c>).</summary>
    public static string FileName(string format) => format switch
    {
        "html" => "report.html",
        "pdf" => "report.pdf",
        _ => throw new ArgumentException($"format: '{format}' is not html or pdf."),
    };

    /// <summary>Publishes a report and returns its archive entry.</summary>
    public async Task<ArchivedReport> StoreAsync(ReportDocument document, byte[]? pdf, string? pdfError, string trigger, string requestedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = $"{document.GeneratedAt.UtcDateTime:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var staging = Path.Combine(Root, ".staging", id);
        Directory.CreateDirectory(staging);
        var html = System.Text.Encoding.UTF8.GetBytes(document.Html);
        var entry = new ArchivedReport(id, document.Template, document.Subject, document.Title, document.GeneratedAt, trigger, requestedBy,
            document.DataVersions, document.Highlights, Convert.ToHexStringLower(SHA256.HashData(html)), pdf is null ? null : Convert.ToHexStringLower(SHA256.HashData(pdf)),
            pdf?.LongLength ?? 0, pdfError, []);
        await WriteAsync(Path.Combine(staging, FileName("html")), html, cancellationToken).ConfigureAwait(false);
        if (pdf is not null)
        {
            await WriteAsync(Path.Combine(staging, FileName("pdf")), pdf, cancellationToken).ConfigureAwait(false);
        }

        await WriteAsync(Path.Combine(staging, Metadata), JsonSerializer.SerializeToUtf8Bytes(entry, Json), cancellationToken).ConfigureAwait(false);
        DurableFile.SyncDirectory(staging);
        Directory.Move(staging, Folder(id));
        DurableFile.SyncDirectory(Root);
        return entry;
    }

    /// <summary>The newest <paramref name="limit"/> reports, newest first; optionally of one template.</summary>
    public IReadOnlyList<ArchivedReport> List(int limit = 100, string? template = null)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(Root).Select(Path.GetFileName).Where(n => n is not null && IdPattern().IsMatch(n))
            .OrderDescending(StringComparer.Ordinal).Select(n => Get(n!)).OfType<ArchivedReport>()
            .Where(r => template is null || r.Template == template).Take(Math.Max(0, limit))];
    }

    /// <summary>One report's entry, or null when there is no such report; a malformed id is refused.</summary>
    public ArchivedReport? Get(string id)
    {
        var file = Path.Combine(Folder(id), Metadata);
        return File.Exists(file) ? JsonSerializer.Deserialize<ArchivedReport>(File.ReadAllBytes(file), Json) : null;
    }

    /// <summary>The bytes of a report's HTML or PDF; throws naming what is missing.</summary>
    public async Task<byte[]> ReadAsync(string id, string format, CancellationToken cancellationToken = default)
    {
        var entry = Get(id) ?? throw new ArgumentException($"report '{id}' is not in the archive.");
        var file = Path.Combine(Folder(id), FileName(format));
        if (!File.Exists(file))
        {
            throw new ArgumentException($"report '{id}' has no {format}{(entry.PdfError is null ? string.Empty : ": " + entry.PdfError)}.");
        }

        return await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds deliveries to a report's entry and returns it.</summary>
    public async Task<ArchivedReport> RecordDeliveriesAsync(string id, IReadOnlyList<ReportDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        await _metadataLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = Get(id) ?? throw new ArgumentException($"report '{id}' is not in the archive.");
            var updated = entry with { Deliveries = [.. entry.Deliveries, .. deliveries] };
            var file = Path.Combine(Folder(id), Metadata);
            var temporary = file + ".tmp";
            await WriteAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(updated, Json), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, file, overwrite: true);
            DurableFile.SyncDirectory(Folder(id));
            return updated;
        }
        finally
        {
            _metadataLock.Release();
        }
    }

    private string Folder(string id) =>
        IdPattern().IsMatch(id) ? Path.Combine(Root, id) : throw new ArgumentException($"report '{id}' is not a report id (yyyyMMdd-HHmmss-xxxxxxxx).");

    private static async Task WriteAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }

    [GeneratedRegex("^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$")]
    private static partial Regex IdPattern();
}
