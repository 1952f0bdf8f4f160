using System.CommandLine;
using Research.Analytics.Risk;
using Research.Cli.Commands.Risk;
using Research.Data.Providers.Crsp;
using Research.Data.Warehouse;

namespace Research.Cli.Commands.Tax;

/// <summary>
/// Harvest replacements from the stored risk model: for a ticker, the stocks with the highest forecast correlation on
/// the forecast date at or before the harvest day (<see cref="StoredForecast.PredictedCorrelations"/>), named by their
/// tickers on that day (crsp/names). A ticker the model or crsp/names does not know gets none.
/// </summary>
internal sealed class Replacements : IDisposable
{
    private readonly WarehouseQuerySession _session;
    private readonly StoredForecast _forecast;
    private readonly CrspProvider _names;
    private readonly DateOnly _day;

    private Replacements(WarehouseQuerySession session, StoredForecast forecast, DateOnly day) => (_session, _forecast, _names, _day) = (session, forecast, new CrspProvider(session), day);

    public string Describe => $"forecast of {_forecast.Date:yyyy-MM-dd} (fit {_forecast.FitId})";

    public static Replacements Open(ParseResult parse, DateOnly day)
    {
        var session = RiskModelSession.Open(parse);
        try
        {
            if (!session.Pinned.ContainsKey("crsp/names"))
            {
                throw new Infrastructure.CliException("--risk-model: the warehouse has no crsp/names to turn tickers into PERMNOs.");
            }

            return new Replacements(session, Factors.FactorsCommand.Guard(() => RiskModelStore.LoadAt(session, day)), day);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public IReadOnlyList<(string Symbol, double Similarity)> For(string ticker)
    {
        if (_names.Lookup(ticker, _day) is not { } permno || !_forecast.Loadings.ContainsKey(permno))
        {
            return [];
        }

        var top = _forecast.PredictedCorrelations(permno).Take(10).ToList();
        var names = _names.NamesOn([.. top.Select(t => (t.Permno, _day))]);
        return [.. top.Select(t => (Symbol: names.TryGetValue((t.Permno, _day), out var n) && n.Ticker is { Length: > 0 } name ? name : t.Permno.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Correlation))];
    }

    public void Dispose() => _session.Dispose();
}
