using System.Security.Cryptography;
using System.Text;
using Research.Data.Sync;
using Research.Data.Warehouse;

namespace Research.Data.Providers.FamaFrench;

/// <summary>
/// Ken French library files in a local folder as a sync source (<c>research sync --source files DIR</c>).
/// Each dataset is one chunk built from one or two files, with WRDS <c>ff.factors_*</c> column names:
/// <list type="bullet">
/// <item><c>famafrench/factors_daily|monthly</c>: date, mktrf, smb, hml, rf (F-F_Research_Data_Factors[_daily]) and
/// umd (F-F_Momentum_Factor[_daily], NULL where momentum has no value yet).</item>
/// <item><c>famafrench/factors5_daily|monthly</c>: date, mktrf, smb, hml, rmw, cma, rf (F-F_Research_Data_5_Factors_2x3[_daily]).</item>
/// </list>
/// Returns are decimals. A file whose header differs from the expected columns is refused, naming the file.
/// </summary>
public sealed class FrenchFilesSyncSource(string folder) : ISyncSource
{
    private static readonly string[] Ff3 = ["Mkt-RF", "SMB", "HML", "RF"];
    private static readonly string[] Ff5 = ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "RF"];
    private static readonly string[] Mom = ["Mom"];

    public string Name => "files";

    public IReadOnlyList<string> Datasets { get; } = ["famafrench/factors_daily", "famafrench/factors5_daily", "famafrench/factors_monthly", "famafrench/factors5_monthly"];

    public Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken)
    {
        var inputs = Inputs(dataset);
        var hash = new StringBuilder(dataset);
        foreach (var file in inputs)
        {
            hash.Append('|').Append(Path.GetFileName(file)).Append('|').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))));
        }

        var table = Build(dataset);
        var plan = new SyncPlan(
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hash.ToString())))[..16],
            [new SyncChunk("all", "part-0.parquet", table.Dates.Count)],
            table.Dates.Count == 0 ? null : table.Dates[^1].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            $"Ken French library files in {folder} ({string.Join(", ", inputs.Select(Path.GetFileName))})");
        return Task.FromResult(plan);
    }

    public async Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken)
    {
        var table = Build(dataset);
        var specs = new List<ParquetColumnSpec> { ParquetColumnSpec.Of<DateOnly>("date") };
        specs.AddRange(table.Columns.Select(c => c == "rf" ? ParquetColumnSpec.Of<double>(c) : ParquetColumnSpec.OfNullable<double>(c)));
        var columns = new List<Array> { table.Dates.ToArray() };
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var index = i;
            columns.Add(table.Columns[i] == "rf"
                ? table.Values.Select(r => r[index] ?? throw new InvalidDataException($"{dataset}: RF is missing on a row.")).ToArray()
                : table.Values.Select(r => r[index]).ToArray());
        }

        var writer = await ParquetTableWriter.CreateAsync(path, specs, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteRowGroupAsync(columns, cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }

        return table.Dates.Count;
    }

    private List<string> Inputs(string dataset) => dataset switch
    {
        "famafrench/factors_daily" => [Find("F-F_Research_Data_Factors_daily"), Find("F-F_Momentum_Factor_daily")],
        "famafrench/factors_monthly" => [Find("F-F_Research_Data_Factors"), Find("F-F_Momentum_Factor")],
        "famafrench/factors5_daily" => [Find("F-F_Research_Data_5_Factors_2x3_daily")],
        "famafrench/factors5_monthly" => [Find("F-F_Research_Data_5_Factors_2x3")],
        _ => throw new ArgumentException($"The Ken French files source has no dataset '{dataset}' (it has {string.Join(", ", Datasets)}).", nameof(dataset)),
    };

    private (IReadOnlyList<string> Columns, IReadOnlyList<DateOnly> Dates, IReadOnlyList<double?[]> Values) Build(string dataset)
    {
        var inputs = Inputs(dataset);
        var daily = dataset.EndsWith("_daily", StringComparison.Ordinal);
        var frequency = daily ? FrenchFrequency.Daily : FrenchFrequency.Monthly;
        var main = Table(inputs[0], frequency, dataset.Contains("factors5", StringComparison.Ordinal) ? Ff5 : Ff3);
        var names = main.Columns.Select(Normalize).ToList();
        if (inputs.Count == 1)
        {
            return (names, main.Dates, main.Values);
        }

        var momentum = Table(inputs[1], frequency, Mom);
        var byDate = momentum.Dates.Select((d, i) => (d, v: momentum.Values[i][0])).ToDictionary(p => p.d, p => p.v);
        var rows = main.Values.Select((r, i) => (double?[])[.. r, byDate.GetValueOrDefault(main.Dates[i])]).ToList();
        return ([.. names, "umd"], main.Dates, rows);
    }

    private static FrenchTable Table(string file, FrenchFrequency frequency, string[] expected)
    {
        var parsed = FrenchLibraryParser.ParseFile(file);
        var table = parsed.Tables.FirstOrDefault(t => t.Frequency == frequency)
            ?? throw new InvalidDataException($"{Path.GetFileName(file)}: no {frequency} table.");
        if (!table.Columns.SequenceEqual(expected))
        {
            throw new InvalidDataException($"{Path.GetFileName(file)} line {table.FirstLine}: header is '{string.Join(",", table.Columns)}', expected '{string.Join(",", expected)}'; the file format changed.");
        }

        return table;
    }

    private string Find(string baseName)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Ken French files folder {folder} does not exist.");
        }

        var files = Directory.EnumerateFiles(folder).ToList();
        return files.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f).Equals(baseName, StringComparison.OrdinalIgnoreCase) && f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            ?? files.FirstOrDefault(f => Path.GetFileName(f).Equals(baseName + "_CSV.zip", StringComparison.OrdinalIgnoreCase))
            ?? throw new FileNotFoundException($"{baseName}.csv (or {baseName}_CSV.zip) is not in {folder}.");
    }

    private static string Normalize(string column) => column.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}
