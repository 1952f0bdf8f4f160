namespace Research.Reports;

/// <summary>
/// The report templates, by the name schedules, the CLI and the archive use:
/// <list type="bullet">
/// <item><c>backtest</c>: a stored backtest or walk-forward result's tear sheet against the market (subject: the job id);</item>
/// <item><c>strategy</c>: the tear sheet of a strategy's pinned (or latest) backtest, its record (subject: the strategy);</item>
/// <item><c>data-quality</c>: every dataset's current version, age and validation, and versions kept from publishing;</item>
/// <item><c>risk</c>: the risk of the positions a stored backtest held at its last close, on the stored risk model (subject: the job id).</item>
/// </list>
/// </summary>
public static class ReportTemplates
{
    public const string Backtest = "backtest";
    public const string Strategy = "strategy";
    public const string DataQuality = "data-quality";
    public const string Risk = "risk";

    /// <summary>Every template, in the order they are listed.</summary>
    public static IReadOnlyList<string> All { get; } = [Backtest, Strategy, DataQuality, Risk];

    /// <summary>Whether the template needs a subject (a job or a strategy).</summary>
    public static bool NeedsSubject(string template) => template is Backtest or Strategy or Risk;

    /// <summary>Refuses an unknown template or a missing subject, naming what to give.</summary>
    public static void Check(string template, string? subject)
    {
        if (!All.Contains(template, StringComparer.Ordinal))
        {
            throw new ArgumentException($"template: '{template}' is not one of {string.Join(", ", All)}.");
        }

        if (NeedsSubject(template) && string.IsNullOrWhiteSpace(subject))
        {
            throw new ArgumentException($"subject: template '{template}' needs one: {(template is Backtest or Risk ? "the job id of a stored result" : "a strategy name")}.");
        }

        if (!NeedsSubject(template) && !string.IsNullOrWhiteSpace(subject))
        {
            throw new ArgumentException($"subject: template '{template}' covers the whole warehouse and takes none (got '{subject}').");
        }
    }
}
