using System.Globalization;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Backtests;

namespace Research.Console.Backtests;

/// <summary>The settings a job was submitted with, as label and value lines for its result page (every field, defaults said as such).</summary>
public static class JobSettings
{
    public static IReadOnlyList<(string Label, string Value)> Lines(JobSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var lines = new List<(string, string)>();
        if (submission.Backtest is { } b)
        {
            lines.Add(("Strategy", b.Strategy));
            if (b.Signal is { } signal)
            {
                lines.Add(("Signal", signal));
            }

            if (b.Model is { } model)
            {
                lines.Add(("Model", $"{model} (the registry's production version when submitted; its pin is in the data versions)"));
            }

            Common(lines, b, quantile: true);
        }
        else if (submission.MonteCarlo is { } m)
        {
            lines.Add(("Source job", m.SourceJob));
            lines.Add(("Method", WireNames.Of(m.Method)));
            lines.Add(("Paths", m.Paths.ToString("N0", CultureInfo.InvariantCulture)));
            if (m.Method == MonteCarloMethod.Bootstrap)
            {
                lines.Add(("Mean block (sessions)", Number(m.MeanBlock)));
            }

            lines.Add(("Sessions per path", m.Length is { } length ? length.ToString("N0", CultureInfo.InvariantCulture) : "the source's length"));
            lines.Add(("Seed", m.Seed.ToString(CultureInfo.InvariantCulture)));
            lines.Add(("Interval confidence", m.Confidence.ToString("P0", CultureInfo.InvariantCulture)));
        }
        else if (submission.SignalSweep is { } s)
        {
            lines.Add(("Grid", s.Name ?? "signals"));
            lines.Add(("Variants", s.Definitions.Length.ToString("N0", CultureInfo.InvariantCulture)));
            lines.Add(("From", s.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            lines.Add(("To", s.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            lines.Add(("Signal dates", $"every {s.Every} sessions"));
            lines.Add(("Horizons (sessions)", string.Join(", ", s.Horizons ?? [1, 5, 21])));
            lines.Add(("Quantiles", s.Quantiles.ToString(CultureInfo.InvariantCulture)));
            lines.Add(("Largest share dropped for want of a return", s.MaxDropShare.ToString("P0", CultureInfo.InvariantCulture)));
            lines.Add(("Trials recorded under", s.Question ?? "default"));
        }
        else if (submission.WalkForward is { } w)
        {
            lines.Add(("Strategies", string.Join(", ", w.Strategies ?? [])));
            lines.Add(("Quantiles", string.Join(", ", (w.Quantiles ?? []).Select(Number))));
            lines.Add(("Windows", $"{(w.Expanding ? "expanding" : "rolling")}: train {w.TrainSessions} sessions, test {w.TestSessions}"));
            lines.Add(("Chosen by", w.Metric));
            Common(lines, w.Base, quantile: false);
        }

        lines.Add(("Priority", WireNames.Of(submission.Priority)));
        lines.Add(("Submitted by", submission.RequestedBy));
        return lines;
    }

    private static void Common(List<(string, string)> lines, BacktestJobSpec spec, bool quantile)
    {
        lines.Add(("From", spec.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "earliest (13 months after the first CRSP session)"));
        lines.Add(("To", spec.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "the last session"));
        lines.Add(("Execution", WireNames.Of(spec.Execution)));
        lines.Add(("Construction", spec.Construction));
        if (quantile)
        {
            lines.Add(("Quantile", Number(spec.Quantile)));
        }

        lines.Add(("Capital", "$" + spec.Capital.ToString("N0", CultureInfo.InvariantCulture)));
        lines.Add(("Commission", Number(spec.CommissionBps) + " bp of traded value"));
        lines.Add(("Half spread", Number(spec.HalfSpreadBps) + " bp of traded value"));
        lines.Add(("Impact coefficient k", Number(spec.Impact)));
        lines.Add(("Borrow fee", Number(spec.BorrowBps) + " bp a year on shorts"));
    }

    private static string Number(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
