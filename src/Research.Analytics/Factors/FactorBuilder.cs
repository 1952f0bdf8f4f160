namespace Research.Analytics.Factors;

/// <summary>A composite factor: a weighted sum of standardised factors, standardised again.</summary>
public sealed record CompositeFactor(string Name, IReadOnlyDictionary<string, double> Weights);

/// <summary>What to build.</summary>
public sealed record FactorBuildOptions
{
    /// <summary>Style factors by name; null = every registered factor the panel supports.</summary>
    public IReadOnlyList<string>? Styles { get; init; }

    /// <summary>Factors to neutralise against industries (cap-weighted industry mean removed, then re-standardised).</summary>
    public IReadOnlyList<string> IndustryNeutral { get; init; } = [];

    public IReadOnlyList<CompositeFactor> Composites { get; init; } = [];

    /// <summary>Raw descriptors are clipped to these equal-weighted cross-sectional quantiles (and 1 - it).</summary>
    public double WinsorQuantile { get; init; } = 0.01;
}

/// <summary>Exposures of one rebalance date.</summary>
/// <param name="Date">The rebalance session (exposures use data up to its close).</param>
/// <param name="Session">Its index in the panel.</param>
/// <param name="Assets">Panel asset indexes in the estimation universe, ascending.</param>
/// <param name="Industry">Industry of each (-1 unknown).</param>
/// <param name="Size">Market cap at the close (a dollar-volume proxy without caps): the weight base.</param>
/// <param name="Values">Exposures, row-major <c>[a * Factors + k]</c>.</param>
/// <param name="Coverage">Share of the universe with a raw descriptor, per factor (the rest are set to 0).</param>
public sealed record ExposureSnapshot(DateOnly Date, int Session, int[] Assets, int[] Industry, double[] Size, double[] Values, double[] Coverage);

/// <summary>Exposures at a series of rebalance dates.</summary>
public sealed record FactorExposures(IReadOnlyList<string> Factors, IReadOnlyList<ExposureSnapshot> Snapshots)
{
    /// <summary>Index of the latest snapshot taken strictly before session <paramref name="session"/>, or -1.</summary>
    public int SnapshotBefore(int session)
    {
        var lo = 0;
        var hi = Snapshots.Count - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (Snapshots[mid].Session < session)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}

/// <summary>
/// Builds exposures cross-sectionally per rebalance date:
/// 1. Universe: eligible common stock (CRSP share code 10/11 on NYSE/AMEX/NASDAQ) that traded on the date with a
///    positive market cap.
/// 2. Raw descriptor per factor (<see cref="FactorRegistry"/>), point in time.
/// 3. Winsorise at the 1st/99th equal-weighted percentiles; standardise to a cap-weighted mean of 0 and an
///    equal-weighted standard deviation of 1 (Barra USE4 convention: the cap-weighted market portfolio has zero
///    exposure, and exposures are comparable across factors); missing descriptors become 0 (the market's exposure).
/// 4. Orthogonalise where the definition says so (low volatility on size: the residual of a regression weighted
///    by the square root of cap), neutralise against industries where asked, form composites; re-standardise after
///    each step.
/// </summary>
public static class FactorBuilder
{
    public static FactorExposures Build(EquityPanel panel, IReadOnlyList<int> sessions, FactorBuildOptions? options = null, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(sessions);
        options ??= new FactorBuildOptions();
        var definitions = Resolve(panel, options);
        var names = definitions.Select(d => d.Name).Concat(options.Composites.Select(c => c.Name)).ToList();
        foreach (var neutral in options.IndustryNeutral)
        {
            if (!names.Contains(neutral, StringComparer.Ordinal))
            {
                throw new ArgumentException($"Industry-neutral factor '{neutral}' is not among the factors built ({string.Join(", ", names)}).");
            }
        }

        foreach (var composite in options.Composites)
        {
            var unknown = composite.Weights.Keys.FirstOrDefault(k => !definitions.Any(d => d.Name == k));
            if (unknown is not null)
            {
                throw new ArgumentException($"Composite '{composite.Name}' uses '{unknown}', which is not among the style factors built ({string.Join(", ", definitions.Select(d => d.Name))}).");
            }
        }

        var context = new DescriptorContext(panel);
        var snapshots = new ExposureSnapshot[sessions.Count];
        var done = 0;
        Parallel.For(0, sessions.Count, s =>
        {
            snapshots[s] = Snapshot(context, sessions[s], definitions, options, names.Count);
            progress?.Report((double)Interlocked.Increment(ref done) / sessions.Count);
        });
        return new FactorExposures(names, snapshots);
    }

    /// <summary>The definitions a build uses, in order; a requested factor the panel cannot support is an error naming what is missing.</summary>
    public static IReadOnlyList<FactorDefinition> Resolve(EquityPanel panel, FactorBuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Styles is null)
        {
            return FactorRegistry.All.Where(d => FactorRegistry.Supported(d, panel)).ToList();
        }

        var list = new List<FactorDefinition>();
        foreach (var name in options.Styles)
        {
            var definition = FactorRegistry.Get(name);
            if (!FactorRegistry.Supported(definition, panel))
            {
                throw new ArgumentException($"Factor '{name}' needs {definition.Inputs}, which the data ({panel.Provenance}) does not have.");
            }

            list.Add(definition);
        }

        return list;
    }

    private static ExposureSnapshot Snapshot(DescriptorContext context, int t, IReadOnlyList<FactorDefinition> definitions, FactorBuildOptions options, int factorCount)
    {
        var panel = context.Panel;
        var n = panel.Assets;
        var date = panel.Dates[t];
        var assets = new List<int>();
        var sizes = new List<double>();
        for (var i = 0; i < n; i++)
        {
            if (double.IsNaN(panel.Returns[(t * n) + i]) || panel.NameOn(i, date) is not { Eligible: true })
            {
                continue;
            }

            var size = panel.HasMarketCap ? panel.MarketCap[(t * n) + i] : context.MeanDollarVolume(t, i);
            if (size > 0)
            {
                assets.Add(i);
                sizes.Add(size);
            }
        }

        var m = assets.Count;
        var industry = new int[m];
        for (var a = 0; a < m; a++)
        {
            industry[a] = context.IndustryOn(t, assets[a]);
        }

        var weights = sizes.ToArray();
        var values = new double[m * factorCount];
        var coverage = new double[factorCount];
        var column = new double[m];
        var sizeColumn = -1;
        for (var k = 0; k < definitions.Count; k++)
        {
            var covered = 0;
            for (var a = 0; a < m; a++)
            {
                column[a] = definitions[k].Raw(context, t, assets[a]);
                covered += double.IsNaN(column[a]) ? 0 : 1;
            }

            coverage[k] = m == 0 ? 0 : (double)covered / m;
            CrossSection.Winsorise(column, options.WinsorQuantile);
            CrossSection.Standardise(column, weights);
            if (definitions[k].OrthogonalToSize && sizeColumn >= 0)
            {
                CrossSection.Residualise(column, Column(values, factorCount, sizeColumn, m), weights);
                CrossSection.Standardise(column, weights);
            }

            if (definitions[k].Name == "size")
            {
                sizeColumn = k;
            }

            Store(values, factorCount, k, column);
        }

        for (var c = 0; c < options.Composites.Count; c++)
        {
            var k = definitions.Count + c;
            Array.Clear(column);
            foreach (var (name, weight) in options.Composites[c].Weights)
            {
                var source = definitions.ToList().FindIndex(d => d.Name == name);
                for (var a = 0; a < m; a++)
                {
                    column[a] += weight * values[(a * factorCount) + source];
                }
            }

            coverage[k] = 1.0;
            CrossSection.Standardise(column, weights);
            Store(values, factorCount, k, column);
        }

        var names = definitions.Select(d => d.Name).Concat(options.Composites.Select(c => c.Name)).ToList();
        foreach (var neutral in options.IndustryNeutral)
        {
            var k = names.IndexOf(neutral);
            var x = Column(values, factorCount, k, m);
            CrossSection.DemeanWithinGroups(x, industry, weights);
            CrossSection.Standardise(x, weights);
            Store(values, factorCount, k, x);
        }

        return new ExposureSnapshot(date, t, [.. assets], industry, weights, values, coverage);
    }

    private static double[] Column(double[] values, int factorCount, int k, int m)
    {
        var column = new double[m];
        for (var a = 0; a < m; a++)
        {
            column[a] = values[(a * factorCount) + k];
        }

        return column;
    }

    private static void Store(double[] values, int factorCount, int k, double[] column)
    {
        for (var a = 0; a < column.Length; a++)
        {
            values[(a * factorCount) + k] = column[a];
        }
    }
}
