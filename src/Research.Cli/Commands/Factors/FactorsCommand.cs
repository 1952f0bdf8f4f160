using System.CommandLine;
using System.Globalization;
using Research.Analytics.Factors;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;

namespace Research.Cli.Commands.Factors;

/// <summary><c>research factors list|build|show</c>: style factor definitions, monthly exposures, one date's cross-section.</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class FactorsCommand
{
    internal static readonly string[] PanelDatasets = Research.Analytics.Risk.RiskModelBuild.PanelDatasets;

    internal static readonly string[] FundamentalDatasets = Research.Analytics.Risk.RiskModelBuild.FundamentalDatasets;
    public static Command Create(CliOutput output)
    {
        var factors = new Command("factors", "Style factors: definitions, exposures built at month ends, and one date's cross-section.");
        factors.Subcommands.Add(ListCommand.Create(output));
        factors.Subcommands.Add(BuildCommand.Create(output));
        factors.Subcommands.Add(ShowCommand.Create(output));
        return factors;
    }

    /// <summary>
    /// Loads the CRSP (and, when present, Compustat) panel from 13 months before <paramref name="from"/> (momentum needs
    /// a year of returns) to <paramref name="to"/>, and picks the month ends between them.
    /// </summary>
    internal static (EquityPanel Panel, int[] MonthEnds) LoadPanel(ParseResult parse, CliOutput output, DateOnly? from, DateOnly? to)
    {
        var layout = WarehouseOptions.Layout(parse);
        var catalog = new WarehouseCatalog(layout);
        var datasets = PanelDatasets.Concat(FundamentalDatasets.Where(d => catalog.ReadCurrent(d) is not null)).ToList();
        using var session = WarehouseOptions.OpenDatasets(parse, datasets, "'research sync --source synthetic' (or wrds)");
        DateOnly first, last;
        using (var command = session.CreateTrustedCommand("SELECT min(date), max(date) FROM crsp.daily"))
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            if (reader.IsDBNull(0))
            {
                throw new CliException("crsp/daily is empty.");
            }

            (first, last) = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
        }

        var start = from ?? first.AddMonths(13);
        var end = to ?? last;
        if (end < start)
        {
            throw new CliException($"--to {end:yyyy-MM-dd} is before --from {start:yyyy-MM-dd}.");
        }

        if (start > last || end < first)
        {
            throw new CliException($"crsp/daily runs {first:yyyy-MM-dd}..{last:yyyy-MM-dd}; {start:yyyy-MM-dd}..{end:yyyy-MM-dd} is outside it.");
        }

        var panel = Guard(() => EquityPanelLoader.Load(session, start.AddMonths(-13) < first ? first : start.AddMonths(-13), end, new SynchronousProgress<string>(output.Info)));
        var monthEnds = panel.MonthEnds().Where(t => panel.Dates[t] >= start.AddMonths(-1) && panel.Dates[t] <= end).ToArray();
        if (monthEnds.Length == 0)
        {
            throw new CliException($"No month end between {start:yyyy-MM-dd} and {end:yyyy-MM-dd}.");
        }

        return (panel, monthEnds);
    }

    internal static IReadOnlyList<string>? SplitList(string? text) =>
        text is null ? null : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    internal static CompositeFactor ParseComposite(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new CliException($"--composite '{text}': expected name=factor:weight,factor:weight.");
        }

        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in text[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !double.TryParse(part[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || !double.IsFinite(w))
            {
                throw new CliException($"--composite '{text}': '{part}' is not factor:weight.");
            }

            weights[part[..colon]] = w;
        }

        return new CompositeFactor(text[..equals].Trim(), weights);
    }

    /// <summary>Turns the analytics' argument and state errors into one-line CLI errors.</summary>
    internal static T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException)
        {
            throw new CliException(e.Message);
        }
    }

    internal static string F(double x) => x.ToString("F3", CultureInfo.InvariantCulture);
}
