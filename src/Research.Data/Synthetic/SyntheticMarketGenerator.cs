using System.Globalization;
using System.Text.Json;

namespace Research.Data.Synthetic;

/// <summary>
/// Generates a deterministic, WRDS-shaped synthetic equity market with planted truth. The algorithm:
/// 1. Simulate the common path (<see cref="MarketPath"/>): NYSE sessions, daily returns of the market, ten
///    industry and five style factors (GARCH(1,1) variances, Student-t shocks), a specific-volatility
///    multiplier and the risk-free rate.
/// 2. Plan every security before its prices (<see cref="SecurityPlanner"/>): identifiers, industry, listing
///    and delisting, splits, ticker and name changes, dividends, fiscal calendar and earnings surprises.
/// 3. Advance all listed securities month by month in parallel (<see cref="SecurityState"/>); each has its
///    own random stream, so the result does not depend on thread scheduling.
/// 4. After each month, add the day's Fama-French portfolio returns and re-form momentum portfolios;
///    after each June, re-form the annual size/value/profitability/investment portfolios.
/// 5. After each year, write that year's partitions (CRSP daily, Compustat, exposures, alpha, earnings).
/// 6. At the end, write the static tables (names, delistings, CCM links, specific risk, factor returns,
///    Fama-French factors), intraday trades and quotes for the largest securities, and the model card.
/// Same options give byte-identical files; output is written under temporary names and renamed when whole.
/// </summary>
public static class SyntheticMarketGenerator
{
    /// <summary>Version of the generator's model; recorded in the truth card and bumped when output changes.</summary>
    public const string ModelVersion = "3";

    /// <summary>Generates the market into <paramref name="outputDirectory"/> (created when missing).</summary>
    public static async Task<SyntheticMarketResult> GenerateAsync(
        SyntheticMarketOptions options,
        string outputDirectory,
        IProgress<SyntheticMarketProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(outputDirectory);
        var writer = new SyntheticMarketWriter(outputDirectory);

        progress?.Report(new SyntheticMarketProgress("Simulating factor returns", 0));
        var path = MarketPath.Simulate(options);
        var plans = SecurityPlanner.PlanUniverse(options, path);
        var states = plans.Select(p => new SecurityState(p, options.Seed)).ToArray();
        var sorts = new FamaFrenchSorts(states.Length);
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };

        for (var year = options.StartYear; year <= options.EndYear; year++)
        {
            for (var month = 1; month <= 12; month++)
            {
                var from = Array.FindIndex(path.Sessions, d => d.Year == year && d.Month == month);
                var to = Array.FindLastIndex(path.Sessions, d => d.Year == year && d.Month == month);
                if (from < 0)
                {
                    continue;
                }

                var active = states.Where(s => s.Plan.FirstSession <= to && s.Plan.LastSession >= from).ToArray();
                Parallel.ForEach(active, parallel, s => s.Simulate(from, to, path, options));
                sorts.Accumulate(active, from, to, path);
                sorts.FormMonthly(states, to);
                if (month == 6)
                {
                    sorts.FormAnnual(states, to, year);
                }

                progress?.Report(new SyntheticMarketProgress(
                    string.Create(CultureInfo.InvariantCulture, $"Simulating {year}-{month:D2}"),
                    0.95 * (to + 1) / path.Sessions.Length));
            }

            await writer.WriteYearAsync(year, states, path, cancellationToken).ConfigureAwait(false);
            if (year == options.EndYear)
            {
                progress?.Report(new SyntheticMarketProgress("Writing intraday trades and quotes", 0.96));
                await writer.WriteIntradayAsync(states, path, options, cancellationToken).ConfigureAwait(false);
            }

            foreach (var state in states)
            {
                state.ClearYear();
            }
        }

        progress?.Report(new SyntheticMarketProgress("Writing reference tables and truth", 0.98));
        await writer.WriteStaticTablesAsync(states, path, sorts, cancellationToken).ConfigureAwait(false);
        await writer.WriteModelCardAsync(options, states.Length, path.Sessions.Length).ConfigureAwait(false);
        progress?.Report(new SyntheticMarketProgress("Done", 1));
        return new SyntheticMarketResult(Path.GetFullPath(outputDirectory), states.Length, path.Sessions.Length, writer.Files);
    }

    /// <summary>Reads the truth card (<c>truth/model.json</c>) of a generated market.</summary>
    public static SyntheticModelCard ReadModelCard(string outputDirectory)
    {
        var file = Path.Combine(outputDirectory, "truth", "model.json");
        using var stream = File.OpenRead(file);
        return JsonSerializer.Deserialize<SyntheticModelCard>(stream, SyntheticModelCard.JsonOptions)
            ?? throw new InvalidDataException($"{file}: empty model card.");
    }
}
