using Research.Data.Warehouse;

namespace Research.Backtesting.TearSheets;

/// <summary>
/// The market a stored result is compared with: the Fama-French daily market return (mktrf + rf) and the risk-free rate
/// from <c>famafrench/factors_daily</c> at the version the run used, on the run's own dates. <see cref="RiskFreePerDay"/>
/// is the run's own convention (the sum of the known daily rates over all its sessions, a session without one counting
/// 0, as its Sharpe used it; <see cref="RiskFreeMissingDays"/> counts those); <see cref="TailRiskFreePerDay"/> is the
/// mean over the days the market covers, for the comparison with it. When the file starts after the run (the synthetic
/// market's factors begin later than its CRSP data), the comparison covers the run's days from <see cref="From"/> on
/// (<see cref="Returns"/> then holds those days only) and <see cref="Missing"/> says so; when the run had no Fama-French
/// data, or days are missing after the file starts, there is no benchmark and <see cref="Missing"/> says why.
/// </summary>
public sealed record MarketBenchmark(double[]? Returns, double RiskFreePerDay, string? Missing, int From = 0)
{
    /// <summary>Sessions of the run without a risk-free rate in the file (counted as 0 in <see cref="RiskFreePerDay"/>).</summary>
    public int RiskFreeMissingDays { get; init; }

    /// <summary>The mean daily risk-free rate over the days <see cref="Returns"/> covers (all known).</summary>
    public double TailRiskFreePerDay { get; init; }

    /// <summary>Name shown next to the benchmark.</summary>
    public const string Name = "Market (Fama-French Mkt-RF + RF)";

    public static MarketBenchmark Load(WarehouseLayout layout, IReadOnlyDictionary<string, string> versions, DateOnly[] dates)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(dates);
        const string Dataset = "famafrench/factors_daily";
        if (dates.Length == 0 || !versions.TryGetValue(Dataset, out var version))
        {
            return new MarketBenchmark(null, 0, "the run used no Fama-French factors, so there is no market series or risk-free rate to compare with") { RiskFreeMissingDays = dates.Length };
        }

        var index = new Dictionary<DateOnly, int>(dates.Length);
        for (var t = 0; t < dates.Length; t++)
        {
            index[dates[t]] = t;
        }

        var market = Enumerable.Repeat(double.NaN, dates.Length).ToArray();
        var known = new bool[dates.Length];
        var riskFree = 0.0;
        var tailRiskFree = 0.0;
        using var session = WarehouseQuerySession.OpenVersions(layout, new Dictionary<string, string> { [Dataset] = version }, QueryLimits.Default, TimeProvider.System);
        using (var command = session.CreateTrustedCommand($"SELECT date, mktrf, rf FROM famafrench.factors_daily WHERE date BETWEEN {DuckDbSql.Date(dates[0])} AND {DuckDbSql.Date(dates[^1])}"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (!index.TryGetValue(reader.GetFieldValue<DateOnly>(0), out var t) || reader.IsDBNull(2))
                {
                    continue;
                }

                var rf = reader.GetDouble(2);
                riskFree += rf;
                known[t] = true;
                if (!reader.IsDBNull(1))
                {
                    market[t] = reader.GetDouble(1) + rf;
                    tailRiskFree += rf;
                }
            }
        }

        var missingRiskFree = known.Count(k => !k);
        var missing = market.Count(double.IsNaN);
        var from = Array.FindIndex(market, double.IsFinite);
        var covered = dates.Length - Math.Max(from, 0);
        if (missing == 0)
        {
            return new MarketBenchmark(market, riskFree / dates.Length, null) { RiskFreeMissingDays = missingRiskFree, TailRiskFreePerDay = tailRiskFree / dates.Length };
        }

        if (from > 0 && covered >= 2 && market.Skip(from).All(double.IsFinite))
        {
            return new MarketBenchmark(market[from..], riskFree / dates.Length, $"the Fama-French file at {Dataset}@{version} starts on {dates[from]:yyyy-MM-dd}: the comparison covers the run's last {covered} of {dates.Length} days", from)
            {
                RiskFreeMissingDays = missingRiskFree,
                TailRiskFreePerDay = tailRiskFree / covered,
            };
        }

        return new MarketBenchmark(null, riskFree / dates.Length, $"{missing} of the run's {dates.Length} days have no Fama-French market return at {Dataset}@{version}") { RiskFreeMissingDays = missingRiskFree };
    }
}
