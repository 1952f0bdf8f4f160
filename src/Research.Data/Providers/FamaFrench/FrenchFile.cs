namespace Research.Data.Providers.FamaFrench;

/// <summary>A parsed Ken French library file: its description and its tables, in file order.</summary>
/// <param name="Name">File name the data came from.</param>
/// <param name="Description">Header text above the first table (empty when the file was stripped of it).</param>
/// <param name="Tables">Tables in file order.</param>
/// <param name="Warnings">Readings the parser had to assume (e.g. units of a stripped file).</param>
public sealed record FrenchFile(string Name, string Description, IReadOnlyList<FrenchTable> Tables, IReadOnlyList<string> Warnings)
{
    /// <summary>The only table of a frequency among the tables whose title contains <paramref name="titleContains"/>.</summary>
    public FrenchTable Table(FrenchFrequency frequency, string titleContains = "")
    {
        var matches = Tables.Where(t => t.Frequency == frequency && t.Title.Contains(titleContains, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidDataException($"{Name}: expected one {frequency} table with '{titleContains}' in its title, found {matches.Count} ({string.Join("; ", Tables.Select(t => $"'{t.Title}' {t.Frequency}"))}).");
    }
}
