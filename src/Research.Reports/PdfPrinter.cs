using System.Diagnostics;

namespace Research.Reports;

/// <summary>
/// Prints a report's HTML to PDF in Chromium's headless mode (<c>--print-to-pdf</c>; ADR 0012): the page is written to a
/// private temporary folder and opened from there with its own throwaway profile, no network, no extensions, no header
/// or footer. The pages have no scripts and no external files, so what prints is what the HTML says.
/// </summary>
public sealed class PdfPrinter(string? chromium, TimeSpan? timeout = null)
{
    /// <summary>Where Chromium is looked for when none is configured (Debian's package, then the usual names).</summary>
    public static IReadOnlyList<string> DefaultLocations { get; } = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(90);

    /// <summary>The configured executable, else the first default location that exists, else null (then PDFs are refused with the reason).</summary>
    public string? Executable { get; } = chromium is { Length: > 0 } ? chromium : DefaultLocations.FirstOrDefault(File.Exists);

    /// <summary>The PDF of <paramref name="html"/>; throws <see cref="ReportPrintException"/> naming why when it could not be made.</summary>
    public async Task<byte[]> PrintAsync(string html, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (Executable is null || !File.Exists(Executable))
        {
            throw new ReportPrintException(Executable is null
                ? $"no Chromium was found (looked at {string.Join(", ", DefaultLocations)}); install the chromium package or set Research:Reports:Chromium to its path."
                : $"Chromium was not found at {Executable} (Research:Reports:Chromium).");
        }

        var work = Directory.CreateTempSubdirectory("research-report-");
        try
        {
            var page = Path.Combine(work.FullName, "report.html");
            var pdf = Path.Combine(work.FullName, "report.pdf");
            await File.WriteAllTextAsync(page, html, cancellationToken).ConfigureAwait(false);
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in Arguments(work.FullName, pdf))
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(new Uri(page).AbsoluteUri);
            using var process = Process.Start(start) ?? throw new ReportPrintException($"Chromium ({Executable}) did not start.");
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(_timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new ReportPrintException($"Chromium did not finish printing within {_timeout.TotalSeconds:F0} s; it was stopped.");
            }

            var bytes = File.Exists(pdf) ? await File.ReadAllBytesAsync(pdf, cancellationToken).ConfigureAwait(false) : [];
            if (process.ExitCode != 0 || bytes.Length < 5 || bytes[0] != '%' || bytes[1] != 'P' || bytes[2] != 'D' || bytes[3] != 'F')
            {
                var said = (await errors.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Where(l => !l.Contains("dbus", StringComparison.OrdinalIgnoreCase)).TakeLast(3);
                throw new ReportPrintException($"Chromium exited with {process.ExitCode} without a PDF ({string.Join(" / ", said)}).");
            }

            return bytes;
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A Chromium child still closing its profile; the temporary folder is left for the system to clear.
            }
        }
    }

    private static IEnumerable<string> Arguments(string profile, string pdf)
    {
        yield return "--headless";
        if (Environment.UserName == "root")
        {
            yield return "--no-sandbox"; // Chromium refuses to run as root with its sandbox
        }

        yield return "--disable-gpu";
        yield return "--disable-extensions";
        yield return "--disable-background-networking";
        yield return "--no-first-run";
        yield return "--no-pdf-header-footer";
        yield return $"--user-data-dir={Path.Combine(profile, "profile")}";
        yield return $"--print-to-pdf={pdf}";
    }
}
