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
/// <item><c>famafrench/industry{10,30,49}_daily|monthly</c>: long format date, portfolio, vw_ret, ew_ret from the
/// "Average Value Weighted Returns" and "Average Equal Weighted Returns" tables of {N}_Industry_Portfolios[_Daily]
/// (monthly files are also found as {N}_Industry_Portfolios_Monthly); -99.99/-999 (empty industries) are NULL.</item>
/// </list>
/// Returns are decimals. A file whose header differs from the expected columns is refused, naming the file.
/// <see cref="Datasets"/> lists the datasets whose files are in the folder.
/// </summary>
public sealed class FrenchFilesSyncSource(string folder) : ISyncSource
{
    private static readonly string[] Ff3 = ["Mkt-RF", "SMB", "HML", "RF"];
    private static readonly string[] Ff5 = ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "RF"];
    private static readonly string[] Mom = ["Mom"];

    public string Name => "files";

    /// <summary>Every dataset this source knows, whatever the folder holds.</summary>
    public static IReadOnlyList<string> AllDatasets { get; } =
    [
        "famafrench/factors_daily", "famafrench/factors5_daily", "famafrench/factors_monthly", "famafrench/factors5_monthly",
        .. new[] { 10, 30, 49 }.SelectMany(n => new[] { $"famafrench/industry{n}_daily", $"famafrench/industry{n}_monthly" }),
    ];

    /// <summary>Library files (base names, without <c>.csv</c> or <c>_CSV.zip</c>) behind <see cref="AllDatasets"/>.</summary>
    public static IReadOnlyList<string> LibraryFiles { get; } =
    [
        "F-F_Research_Data_Factors_daily", "F-F_Research_Data_Factors", "F-F_Momentum_Factor_daily", "F-F_Momentum_Factor",
        "F-F_Research_Data_5_Factors_2x3_daily", "F-F_Research_Data_5_Factors_2x3",
        .. new[] { 10, 30, 49 }.SelectMany(n => new[] { $"{n}_Industry_Portfolios_Daily", $"{n}_Industry_Portfolios" }),
    ];

    public IReadOnlyList<string> Datasets => [.. AllDatasets.Where(d => Inputs(d, mustExist: false).All(f => f is not null))];

    public Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken)
    {
        var inputs = Inputs(dataset);
        if (dataset.Contains("/industry", StringComparison.Ordinal))
        {
            var industry = BuildIndustry(dataset, inputs[0]);
            return Task.FromResult(PlanOf(dataset, inputs, industry.Dates.Count, industry.Dates.Count == 0 ? null : industry.Dates.Max()));
        }

        var hash = new StringBuilder(dataset);
        foreach (var file in inputs)
        {
            hash.Append('|').Append(Path.GetFileName(file)).Append('|').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))));
        }

        var table = Build(dataset);
        return Task.FromResult(PlanOf(dataset, inputs, table.Dates.Count, table.Dates.Count == 0 ? null : table.Dates[^1]));
    }

    private SyncPlan PlanOf(string dataset, List<string> inputs, long rows, DateOnly? last)
    {
        var hash = new StringBuilder(dataset);
        foreach (var file in inputs)
        {
            hash.Append('|').Append(Path.GetFileName(file)).Append('|').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))));
        }

        return new SyncPlan(
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hash.ToString())))[..16],
            [new SyncChunk("all", "part-0.parquet", rows)],
            last?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            $"Ken French library files in {folder} ({string.Join(", ", inputs.Select(Path.GetFileName))})");
    }

    public async Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken)
    {
        if (dataset.Contains("/industry", StringComparison.Ordinal))
        {
            var industry = BuildIndustry(dataset, Inputs(dataset)[0]);
            var industryWriter = await ParquetTableWriter.CreateAsync(path,
                [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<string>("portfolio"), ParquetColumnSpec.OfNullable<double>("vw_ret"), ParquetColumnSpec.OfNullable<double>("ew_ret")],
                cancellationToken).ConfigureAwait(false);
            await using (industryWriter.ConfigureAwait(false))
            {
                await industryWriter.WriteRowGroupAsync([industry.Dates.ToArray(), industry.Portfolios.ToArray(), industry.Vw.ToArray(), industry.Ew.ToArray()], cancellationToken).ConfigureAwait(false);
                await industryWriter.CompleteAsync().ConfigureAwait(false);
            }

            return industry.Dates.Count;
        }

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

    private List<string> Inputs(string dataset) => [.. Inputs(dataset, mustExist: true).Select(f => f!)];

    private List<string?> Inputs(string dataset, bool mustExist) => dataset switch
    {
        "famafrench/factors_daily" => [Find("F-F_Research_Data_Factors_daily", mustExist), Find("F-F_Momentum_Factor_daily", mustExist)],
        "famafrench/factors_monthly" => [Find("F-F_Research_Data_Factors", mustExist), Find("F-F_Momentum_Factor", mustExist)],
        "famafrench/factors5_daily" => [Find("F-F_Research_Data_5_Factors_2x3_daily", mustExist)],
        "famafrench/factors5_monthly" => [Find("F-F_Research_Data_5_Factors_2x3", mustExist)],
        _ when IndustryOf(dataset) is ({ } n, true) => [Find($"{n}_Industry_Portfolios_Daily", mustExist)],
        _ when IndustryOf(dataset) is ({ } n, false) => [Find($"{n}_Industry_Portfolios", mustExist: false) ?? Find($"{n}_Industry_Portfolios_Monthly", mustExist)],
        _ => throw new ArgumentException($"The Ken French files source has no dataset '{dataset}' (it has {string.Join(", ", AllDatasets)}).", nameof(dataset)),
    };

    private static (int? Portfolios, bool Daily) IndustryOf(string dataset)
    {
        foreach (var n in new[] { 10, 30, 49 })
        {
            if (dataset == $"famafrench/industry{n}_daily")
            {
                return (n, true);
            }

            if (dataset == $"famafrench/industry{n}_monthly")
            {
                return (n, false);
            }
        }

        return (null, false);
    }

    /// <summary>Value- and equal-weighted returns of every industry, long format, ordered by date then portfolio column order.</summary>
    private static (List<DateOnly> Dates, List<string> Portfolios, List<double?> Vw, List<double?> Ew) BuildIndustry(string dataset, string file)
    {
        var frequency = dataset.EndsWith("_daily", StringComparison.Ordinal) ? FrenchFrequency.Daily : FrenchFrequency.Monthly;
        var parsed = FrenchLibraryParser.ParseFile(file);
        var vw = parsed.Table(frequency, "Value Weighted Returns");
        var ew = parsed.Table(frequency, "Equal Weighted Returns");
        var expected = IndustryOf(dataset).Portfolios!.Value;
        if (vw.Columns.Count != expected || !vw.Columns.SequenceEqual(ew.Columns) || !vw.Dates.SequenceEqual(ew.Dates))
        {
            throw new InvalidDataException($"{Path.GetFileName(file)} line {vw.FirstLine}: expected {expected} industries with the same columns and dates in the value- and equal-weighted tables; found {vw.Columns.Count} and {ew.Columns.Count} columns, {vw.Dates.Count} and {ew.Dates.Count} dates.");
        }

        var result = (Dates: new List<DateOnly>(), Portfolios: new List<string>(), Vw: new List<double?>(), Ew: new List<double?>());
        for (var r = 0; r < vw.Dates.Count; r++)
        {
            for (var c = 0; c < vw.Columns.Count; c++)
            {
                result.Dates.Add(vw.Dates[r]);
                result.Portfolios.Add(vw.Columns[c]);
                result.Vw.Add(vw.Values[r][c]);
                result.Ew.Add(ew.Values[r][c]);
            }
        }

        return result;
    }

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

    private string? Find(string baseName, bool mustExist)
    {
        if (!Directory.Exists(folder))
        {
            return mustExist ? throw new DirectoryNotFoundException($"Ken French files folder {folder} does not exist.") : null;
        }

        var files = Directory.EnumerateFiles(folder).ToList();
        return files.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f).Equals(baseName, StringComparison.OrdinalIgnoreCase) && f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            ?? files.FirstOrDefault(f => Path.GetFileName(f).Equals(baseName + "_CSV.zip", StringComparison.OrdinalIgnoreCase))
            ?? (mustExist ? throw new FileNotFoundException($"{baseName}.csv (or {baseName}_CSV.zip) is not in {folder}.") : null);
    }

    private static string Normalize(string column) => column.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}
