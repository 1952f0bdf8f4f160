using System.Globalization;
using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Journal;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Journal;

/// <summary>
/// The trade journal's calls through <see cref="ConsoleActions"/>. Opening a journal is audited as <c>journal.view</c>
/// with its source (it shows P&amp;L); the journal grain audits tag and note changes and exports itself.
/// </summary>
public sealed class ConsoleJournal(IClusterClient cluster, ConsoleActions actions)
{
    private ITradeJournalGrain Grain => cluster.GetGrain<ITradeJournalGrain>(0);

    public Task<JournalView> QueryAsync(ClaimsPrincipal user, JournalQuery query) =>
        actions.RunAsync(user, ResearchActions.JournalView, Target(query), () => Grain.QueryAsync(query));

    public Task<JournalTradeRow> AnnotateAsync(ClaimsPrincipal user, JournalQuery source, string tradeKey, string[] tags, string note) =>
        actions.RunAsync(user, ResearchActions.JournalAnnotate, tradeKey, () => Grain.AnnotateAsync(source, tradeKey, tags, note), new ActionOptions(Audit: false));

    public Task<JournalExport> ExportAsync(ClaimsPrincipal user, JournalQuery query, string format) =>
        actions.RunAsync(user, ResearchActions.JournalView, Target(query), () => Grain.ExportAsync(query, format), new ActionOptions(Audit: false));

    /// <summary>The query as URL parameters (the export link and deep links carry it).</summary>
    public static string QueryString(JournalQuery q)
    {
        var parts = new List<string> { "source=" + Uri.EscapeDataString(q.Source) };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("job", q.JobId);
        Add("account", q.Account);
        Add("from", q.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", q.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("security", q.Security);
        Add("strategy", q.Strategy);
        Add("side", q.Side);
        Add("minPnl", q.MinPnl?.ToString("R", CultureInfo.InvariantCulture));
        Add("maxPnl", q.MaxPnl?.ToString("R", CultureInfo.InvariantCulture));
        Add("tag", q.Tag);
        return string.Join("&", parts);
    }

    /// <summary>A query from text fields (the page's and the export endpoint's); a bad date or number is refused by name.</summary>
    public static JournalQuery Parse(string? source, string? job, string? account, string? from, string? to, string? security, string? strategy, string? side, string? minPnl, string? maxPnl, string? tag) =>
        new(string.IsNullOrWhiteSpace(source) ? "backtest" : source.Trim(), Blank(job), Blank(account), Date(from, "from"), Date(to, "to"), Blank(security), Blank(strategy), side?.Trim() is null or "" or "any" ? null : side.Trim(),
            Number(minPnl, "min P&L"), Number(maxPnl, "max P&L"), Blank(tag));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static DateOnly? Date(string? text, string what) => string.IsNullOrWhiteSpace(text) ? null
        : DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new ArgumentException($"{what}: '{text}' is not a date (yyyy-MM-dd).");

    private static double? Number(string? text, string what) => string.IsNullOrWhiteSpace(text) ? null
        : double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x
        : throw new ArgumentException($"{what}: '{text}' is not a number.");

    private static string Target(JournalQuery q) => q.Source == "account" ? $"account:{q.Account}" : $"backtest:{q.JobId}";
}
