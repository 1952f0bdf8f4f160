using Research.Backtesting.Results;
using Research.Backtesting.TearSheets;
using Research.Data.Warehouse;

namespace Research.Reports;

/// <summary>
/// The performance tear sheet of a stored result (templates <c>backtest</c> and <c>strategy</c>), as the result page
/// computes it: the run's daily returns against the market (Fama-French Mkt-RF + RF at the data version the run pinned),
/// Sharpe in excess of that risk-free rate, 252 sessions a year (<see cref="TearSheet"/> states its conventions, and the
/// page lists them). A market that starts after the run leaves the sheet without the benchmark lines, and says so.
/// </summary>
public static class BacktestReport
{
    /// <summary>Kinds of stored result that have a daily return series to report.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["backtest", "walk-forward"];

    /// <summary>The tear sheet of job <paramref name="jobId"/>; throws naming the job when it has no stored result or no daily returns.</summary>
    public static async Task<ReportDocument> BuildAsync(WarehouseLayout layout, BacktestSeriesStore series, IBacktestResultIndex index, string jobId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        var row = await index.GetAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new ArgumentException($"subject: job '{jobId}' has no stored result.");
        return await BuildAsync(layout, series, row, ReportTemplates.Backtest, jobId, at, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tear sheet of <paramref name="strategy"/>'s record: its pinned backtest, else its newest.</summary>
    public static async Task<ReportDocument> BuildForStrategyAsync(WarehouseLayout layout, BacktestSeriesStore series, IBacktestResultIndex index, string strategy, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        var row = await index.RecordAsync("backtest", strategy, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException($"subject: strategy '{strategy}' has no stored backtest (run one, or pin one as its record).");
        return await BuildAsync(layout, series, row, ReportTemplates.Strategy, strategy, at, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ReportDocument> BuildAsync(WarehouseLayout layout, BacktestSeriesStore series, StoredResult row, string template, string subject, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (!Kinds.Contains(row.Kind, StringComparer.Ordinal))
        {
            throw new ArgumentException($"subject: job '{row.JobId}' is a {row.Kind} result; a tear sheet needs a {string.Join(" or ", Kinds)} result with daily returns.");
        }

        var daily = await series.ReadDailyAsync(row.JobId, cancellationToken).ConfigureAwait(false);
        var versions = ResultDocuments.Deserialize<Dictionary<string, string>>(row.DataVersions);
        var market = MarketBenchmark.Load(layout, versions, daily.Dates);
        var partial = market.Returns is not null && market.From > 0;
        var sheet = TearSheet.Of(daily.Dates, daily.Returns, partial ? null : market.Returns, market.RiskFreePerDay, riskFreeMissingDays: market.RiskFreeMissingDays);
        var title = template == ReportTemplates.Strategy ? $"Strategy {subject}: performance ({row.JobId})" : $"Backtest {row.JobId}: {row.Label}";
        var note = (market.Missing, partial) switch
        {
            ({ } missing, _) => "No benchmark: " + missing.TrimEnd('.') + ".",
            (_, true) => $"The market series starts after the run; the sheet is shown without the benchmark lines.",
            _ => $"Against {MarketBenchmark.Name}; {daily.Dates.Length} sessions from {daily.Dates[0]:yyyy-MM-dd} to {daily.Dates[^1]:yyyy-MM-dd}; requested by {row.RequestedBy} on {row.CreatedAt:yyyy-MM-dd}.",
        };
        var highlights = sheet.Lines.Where(l => l.Key is "totalReturn" or "cagr" or "sharpe" or "maxDrawdown" or "beta").Select(l => $"{l.Label}: {l.Display}").ToList();
        var html = TearSheetHtml.Render(sheet, title, ReportPage.Preamble(at, template == ReportTemplates.Strategy ? $"strategy {subject}, result {row.JobId}" : $"job {row.JobId}", versions, note));
        return new ReportDocument(template, subject, title, at, versions, highlights, html);
    }
}
