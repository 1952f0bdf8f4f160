using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Etl;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Etl;

/// <summary><c>research etl status</c>: each ETL dataset's current version, watermark, symbols and last run.</summary>
internal static class StatusCommand
{
    public static Command Create(CliOutput output)
    {
        var dataset = EtlCommand.Dataset(required: false);
        var symbols = new Option<bool>("--symbols") { Description = "Also list each symbol's first and last date and row count in the current version." };
        var command = new Command("status", "Each ETL dataset's current version, watermark, symbols and last run (outcome, when, what it published).") { dataset, symbols };
        command.SetAction(parse =>
        {
            var layout = WarehouseOptions.Layout(parse);
            var catalog = new WarehouseCatalog(layout);
            var runs = HistoricalEtl.LastRuns(layout).ToDictionary(r => r.Dataset, StringComparer.Ordinal);
            var datasets = parse.GetValue(dataset) is { } one ? [one] : EtlRequest.Datasets;
            var rows = datasets.Select(d =>
            {
                var current = catalog.ReadCurrent(d);
                var perSymbol = current is not null && parse.GetValue(symbols) ? PerSymbol(layout, current) : [];
                return (Dataset: d, Current: current, Run: runs.GetValueOrDefault(d), Symbols: perSymbol);
            }).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(rows.Select(r => new
                {
                    r.Dataset,
                    version = r.Current?.VersionId,
                    rows = r.Current?.Rows,
                    watermark = r.Current?.Watermark,
                    source = r.Current?.Source,
                    lastRun = r.Run,
                    symbols = r.Symbols.Select(s => new { s.Symbol, s.First, s.Last, s.Rows }),
                }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("dataset", "current version", "rows", "watermark", "last run", "outcome");
            foreach (var r in rows)
            {
                table.AddRow(r.Dataset, r.Current?.VersionId ?? "(none)", r.Current?.Rows.ToString("N0", CultureInfo.InvariantCulture) ?? "-", Markup.Escape(r.Current?.Watermark ?? "-"),
                    r.Run is null ? "-" : r.Run.Finished.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                    Markup.Escape(r.Run is null ? "-" : r.Run.Outcome + (r.Run.Error is null ? string.Empty : $": {r.Run.Error}")));
            }

            output.Console.Write(table);
            foreach (var r in rows.Where(r => r.Symbols.Count > 0))
            {
                var detail = new Table().Title(r.Dataset).AddColumns("symbol", "first", "last", "rows");
                foreach (var s in r.Symbols)
                {
                    detail.AddRow(Markup.Escape(s.Symbol), $"{s.First:yyyy-MM-dd}", $"{s.Last:yyyy-MM-dd}", s.Rows.ToString("N0", CultureInfo.InvariantCulture));
                }

                output.Console.Write(detail);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<(string Symbol, DateOnly First, DateOnly Last, long Rows)> PerSymbol(WarehouseLayout layout, DatasetManifest current)
    {
        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, [current.Dataset]);
        using var command = session.CreateTrustedCommand($"SELECT symbol, min(date), max(date), count(*) FROM {WarehouseQuerySession.ViewName(current.Dataset)} GROUP BY symbol ORDER BY symbol");
        using var reader = command.ExecuteReader();
        var list = new List<(string, DateOnly, DateOnly, long)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2), reader.GetInt64(3)));
        }

        return list;
    }
}
