using System.Globalization;
using Research.Analytics.Factors;

namespace Research.Analytics.Alpha.Signals;

/// <summary>Rows of the signal's construction kept at one stage (universe, descriptors, score).</summary>
public sealed record SignalStage(string Stage, long Rows);

/// <summary>A signal's scores on a panel's date x asset axes (NaN off the signal dates and where missing) and the rows kept at each stage.</summary>
public sealed record SignalBuild(double[] Values, IReadOnlyList<int> Sessions, IReadOnlyList<SignalStage> Stages);

/// <summary>
/// Computes a <see cref="SignalDefinition"/> on a panel, point in time: on each signal session t, over the universe of
/// that date (eligible common stock with a return on t), every term's descriptor from data known at t's close, its
/// transforms, the weighted sum (an asset missing any term is missing), then the post transforms. The rows kept at each
/// stage are counted; more than <c>maxDropShare</c> of the universe without a score fails, naming the stage.
/// </summary>
public static class SignalBuilder
{
    /// <summary>Every <paramref name="every"/>-th session of the panel from the first on or after <paramref name="from"/>.</summary>
    public static int[] Sessions(EquityPanel panel, DateOnly from, int every)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        var first = Array.FindIndex(panel.Dates, d => d >= from);
        return first < 0 ? [] : [.. Enumerable.Range(0, ((panel.Sessions - first - 1) / every) + 1).Select(k => first + (k * every))];
    }

    /// <param name="external">Dense panels (same axes) of the external descriptors the definition names.</param>
    public static SignalBuild Build(DescriptorContext context, SignalDefinition definition, IReadOnlyList<int> sessions,
        IReadOnlyDictionary<string, double[]>? external = null, double maxDropShare = 1.0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(sessions);
        var panel = context.Panel;
        var n = panel.Assets;
        foreach (var term in definition.Terms)
        {
            var descriptor = SignalDescriptors.Find(term.Descriptor) ?? throw new ArgumentException($"Unknown descriptor '{term.Descriptor}'.", nameof(definition));
            if (descriptor.External && (external is null || !external.TryGetValue(term.Descriptor, out var values) || values.Length != panel.Sessions * n))
            {
                throw new ArgumentException($"The descriptor '{term.Descriptor}' is read from the warehouse and was not supplied on the panel's axes.", nameof(external));
            }

            if (!descriptor.External && !FactorRegistry.Supported(new FactorDefinition(descriptor.Name, descriptor.Formula, descriptor.Inputs, descriptor.Compute!), panel))
            {
                throw new ArgumentException($"The descriptor '{term.Descriptor}' needs {descriptor.Inputs}, which the panel lacks ({panel.Provenance}).", nameof(definition));
            }
        }

        var scores = panel.Axes.Missing();
        long universeRows = 0, descriptorRows = 0, scoreRows = 0;
        Parallel.ForEach(sessions, new ParallelOptions { CancellationToken = cancellationToken }, () => (U: 0L, D: 0L, S: 0L), (t, _, counts) =>
        {
            var date = panel.Dates[t];
            var universe = Enumerable.Range(0, n).Where(i => double.IsFinite(panel.Returns[(t * n) + i]) && panel.NameOn(i, date) is { Eligible: true }).ToArray();
            var industry = universe.Select(i => context.IndustryOn(t, i)).ToArray();
            var raw = new Dictionary<string, double[]>(StringComparer.Ordinal);
            double[] Raw(string name)
            {
                if (!raw.TryGetValue(name, out var values))
                {
                    var descriptor = SignalDescriptors.Find(name)!;
                    raw[name] = values = descriptor.External
                        ? [.. universe.Select(i => external![name][(t * n) + i])]
                        : [.. universe.Select(i => descriptor.Compute!(context, t, i))];
                }

                return values;
            }

            var total = new double[universe.Length];
            var complete = new bool[universe.Length];
            Array.Fill(complete, true);
            foreach (var term in definition.Terms)
            {
                var values = (double[])Raw(term.Descriptor).Clone();
                for (var k = 0; k < values.Length; k++)
                {
                    complete[k] &= double.IsFinite(values[k]);
                }

                foreach (var transform in term.Transforms)
                {
                    transform.Apply(values, industry, Raw);
                }

                for (var k = 0; k < values.Length; k++)
                {
                    total[k] += term.Weight * values[k]; // NaN propagates: an asset missing a term is missing
                }
            }

            foreach (var transform in definition.Post)
            {
                transform.Apply(total, industry, Raw);
            }

            long scored = 0;
            for (var k = 0; k < universe.Length; k++)
            {
                if (double.IsFinite(total[k]))
                {
                    scores[(t * n) + universe[k]] = total[k];
                    scored++;
                }
            }

            return (counts.U + universe.Length, counts.D + complete.Count(c => c), counts.S + scored);
        }, counts =>
        {
            Interlocked.Add(ref universeRows, counts.U);
            Interlocked.Add(ref descriptorRows, counts.D);
            Interlocked.Add(ref scoreRows, counts.S);
        });

        SignalStage[] stages = [new("universe", universeRows), new("descriptors", descriptorRows), new("score", scoreRows)];
        if (universeRows > 0 && universeRows - scoreRows > maxDropShare * universeRows)
        {
            var worst = stages.Zip(stages.Skip(1)).MaxBy(p => p.First.Rows - p.Second.Rows);
            throw new SignalCoverageException(string.Create(CultureInfo.InvariantCulture,
                $"{definition.Id} scores {scoreRows:N0} of {universeRows:N0} universe rows ({100.0 * scoreRows / universeRows:0.0}%), below the limit of {100 * (1 - maxDropShare):0.#}%; most were lost between '{worst.First.Stage}' and '{worst.Second.Stage}' ({worst.First.Rows - worst.Second.Rows:N0} rows): {string.Join(", ", stages.Select(s => $"{s.Stage} {s.Rows:N0}"))}."));
        }

        return new SignalBuild(scores, sessions, stages);
    }
}
