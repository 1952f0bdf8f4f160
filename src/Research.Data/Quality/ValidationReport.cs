namespace Research.Data.Quality;

/// <summary>All findings of one validation run.</summary>
public sealed record ValidationReport(string Dataset, IReadOnlyList<ValidationFinding> Findings)
{
    public bool Passed => Findings.All(f => f.Passed);

    public IEnumerable<ValidationFinding> Failures => Findings.Where(f => !f.Passed);

    /// <summary>One line per failure.</summary>
    public string Summary() => Passed
        ? $"{Dataset}: {Findings.Count} checks passed"
        : $"{Dataset}: validation failed: " + string.Join("; ", Failures.Select(f => f.ToString()));
}
