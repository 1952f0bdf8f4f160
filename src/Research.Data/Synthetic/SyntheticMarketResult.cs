namespace Research.Data.Synthetic;

/// <summary>What a generator run wrote.</summary>
/// <param name="OutputDirectory">Root folder of the generated datasets.</param>
/// <param name="Securities">Distinct securities (permnos) over the whole sample.</param>
/// <param name="Sessions">NYSE sessions simulated.</param>
/// <param name="Files">Every file written, relative to the root, with its row count, in write order.</param>
public sealed record SyntheticMarketResult(string OutputDirectory, int Securities, int Sessions, IReadOnlyList<GeneratedFile> Files)
{
    /// <summary>Total rows written to the CRSP daily panel.</summary>
    public long DailyRows => Files.Where(f => f.Dataset == "crsp/daily").Sum(f => f.Rows);

    /// <summary>Dataset names present, in first-written order.</summary>
    public IReadOnlyList<string> Datasets => Files.Select(f => f.Dataset).Distinct().ToList();
}

/// <summary>One written file.</summary>
/// <param name="Dataset">Dataset name, e.g. <c>crsp/daily</c> or <c>truth/factor_returns</c>.</param>
/// <param name="RelativePath">Path relative to the output root, '/'-separated.</param>
/// <param name="Rows">Rows in the file (0 for JSON).</param>
public sealed record GeneratedFile(string Dataset, string RelativePath, long Rows);

/// <summary>Progress of a generator run.</summary>
/// <param name="Stage">What is being done, for humans.</param>
/// <param name="Fraction">Fraction done, 0..1.</param>
public sealed record SyntheticMarketProgress(string Stage, double Fraction);
