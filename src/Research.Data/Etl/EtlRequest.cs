namespace Research.Data.Etl;

/// <summary>One ETL run: which symbols, which range, into which dataset (<c>prices/daily</c> or <c>yahoo/daily</c>), full or incremental.</summary>
/// <param name="AllowPartial">Load the symbols that were fetched when others failed (they are reported); by default a
/// failed symbol stops the run before anything is published.</param>
public sealed record EtlRequest(string Dataset, IReadOnlyList<string> Symbols, DateOnly From, DateOnly To, bool Full = false, bool AllowPartial = false)
{
    /// <summary>The datasets the ETL loads.</summary>
    public static IReadOnlyList<string> Datasets { get; } = ["prices/daily", "yahoo/daily"];
}
