using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research query "&lt;sql&gt;"</c>: read-only SQL over pinned dataset versions.</summary>
public static class QueryCommand
{
    public static Command Create(CliOutput output)
    {
        var sql = new Argument<string>("sql") { Description = "One SELECT statement. Datasets are views named schema.table: crsp.daily, compustat.annual, famafrench.factors_daily, ..." };
        var maxRows = new Option<int>("--max-rows") { Description = "Return at most this many rows.", DefaultValueFactory = _ => 1000 }.Positive();
        var timeout = new Option<int>("--timeout") { Description = "Stop the query after this many seconds.", DefaultValueFactory = _ => 60 }.Positive();
        var outputFile = new Option<FileInfo?>("--output") { Description = "Write the result to this file instead: .csv or .parquet (within --max-rows and the result limit)." };
        var selector = new WarehouseOptions();
        var command = new Command("query", "Run read-only SQL over the warehouse (pinned versions; no file or network access).") { sql, maxRows, timeout, outputFile };
        selector.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(outputFile);
            var format = file is null ? null : Path.GetExtension(file.Name).ToLowerInvariant() switch
            {
                ".csv" => "csv",
                ".parquet" => "parquet",
                _ => throw new CliException($"--output: '{file.Name}' does not end in .csv or .parquet."),
            };
            if (file is not null && !Directory.Exists(file.DirectoryName))
            {
                throw new CliException($"--output: the folder {file.DirectoryName} does not exist.");
            }

            var limits = QueryLimits.Default with { MaxRows = parse.GetValue(maxRows), Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)) };
            var layout = WarehouseOptions.Layout(parse);
            var chosen = selector.Selector(parse);
            using var session = WarehouseQuerySession.Open(layout, chosen, limits, TimeProvider.System);
            if (session.Pinned.Count == 0)
            {
                throw new CliException(new WarehouseCatalog(layout).CurrentManifests().Count == 0
                    ? $"The warehouse at {layout.Root} has no datasets: run 'research sync' first."
                    : chosen.VersionId is { } id ? $"--version: no dataset has a version '{id}' ('research versions list --dataset D' lists a dataset's versions)."
                    : chosen.Tag is { } tag ? $"--tag: no dataset has a tag '{tag}' ('research versions list --dataset D' shows tags)."
                    : $"--as-of: no dataset had a current version at {chosen.AsOf:yyyy-MM-dd HH:mm:ss} UTC (before its first publish).");
            }

            QueryResult result;
            try
            {
                result = session.Query(parse.GetValue(sql)!, ct);
            }
            catch (QueryRejectedException e)
            {
                throw new CliException(e.Message, e);
            }

            if (file is not null)
            {
                try
                {
                    if (format == "csv")
                    {
                        // Written whole under a temporary name, then renamed: a failed write leaves no half file.
                        var temp = file.FullName + ".tmp-" + Environment.ProcessId;
                        await File.WriteAllTextAsync(temp, QueryExport.Csv(result), ct).ConfigureAwait(false);
                        File.Move(temp, file.FullName, overwrite: true);
                    }
                    else
                    {
                        await QueryExport.ParquetAsync(result, file.FullName, ct).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"--output: cannot write {file.FullName}: {e.Message}", e);
                }

                output.Info($"{result.Rows.Count} row(s) written to {file.FullName}{Cut(result, limits)}");
                return ExitCodes.Ok;
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    columns = result.Columns,
                    types = result.Types,
                    rows = result.Rows,
                    truncated = result.Truncated,
                    cutBy = result.CutBy,
                    bytes = result.Bytes,
                    versions = result.Versions,
                });
                return ExitCodes.Ok;
            }

            var table = new Table();
            foreach (var c in result.Columns)
            {
                table.AddColumn(Markup.Escape(c));
            }

            foreach (var row in result.Rows)
            {
                table.AddRow(row.Select(v => Markup.Escape(Format(v))).ToArray());
            }

            output.Console.Write(table);
            output.Info($"{result.Rows.Count} row(s){Cut(result, limits)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Cut(QueryResult result, QueryLimits limits) => result.CutBy switch
    {
        "rows" => $" (cut at --max-rows {limits.MaxRows})",
        "bytes" => $" (cut at the result limit of {limits.MaxResultBytes / (1 << 20)} MB)",
        _ => string.Empty,
    };

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        double x => x.ToString("G10", CultureInfo.InvariantCulture), // shown; --output writes every digit
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => QueryExport.Text(value),
    };
}
