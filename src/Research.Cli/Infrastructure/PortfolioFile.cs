using Research.Analytics.Risk;
using Research.Data.Warehouse;

namespace Research.Cli.Infrastructure;

/// <summary>
/// A portfolio file given on the command line, read by <see cref="PortfolioText"/>: CSV when the name ends in .csv, JSON
/// otherwise. Its errors become <see cref="CliException"/>s.
/// </summary>
internal static class PortfolioFile
{
    public static IReadOnlyList<(string Asset, double Weight)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--portfolio: {path} does not exist.");
        }

        var text = File.ReadAllText(path);
        return Guard(() => PortfolioText.Parse(text, path, path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>PERMNO of each asset: numbers are taken as PERMNOs, anything else as a ticker on the date.</summary>
    public static int[] Resolve(IReadOnlyList<(string Asset, double Weight)> portfolio, WarehouseQuerySession session, DateOnly date) =>
        Guard(() => PortfolioText.Resolve(portfolio, session, date));

    private static T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }
    }
}
