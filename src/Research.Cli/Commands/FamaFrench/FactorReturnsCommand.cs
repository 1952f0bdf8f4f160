using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.FamaFrench;

/// <summary><c>research famafrench factors</c>: print factor returns (decimals) for a date range.</summary>
internal static class FactorReturnsCommand
{
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model") { Description = "ff3 (Mkt-RF, SMB, HML), ff5 (+ RMW, CMA) or ff6 (ff5 + UMD).", DefaultValueFactory = _ => "ff3" };
        model.AcceptOnlyFromAmong("ff3", "ff5", "ff6");
        var frequency = new Option<string>("--freq") { Description = "daily or monthly.", DefaultValueFactory = _ => "daily" };
        frequency.AcceptOnlyFromAmong("daily", "monthly");
        var from = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last date (YYYY-MM-DD).");
        var selector = new WarehouseOptions();
        var command = new Command("factors", "Print factor returns (decimals) for a date range.") { model, frequency, from, to };
        selector.AddTo(command);
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(parse =>
        {
            var freq = parse.GetValue(frequency)!;
            var (dataset, sql) = parse.GetValue(model) switch
            {
                "ff3" => ($"famafrench/factors_{freq}", $"SELECT date, mktrf, smb, hml, rf FROM famafrench.factors_{freq}"),
                "ff5" => ($"famafrench/factors5_{freq}", $"SELECT date, mktrf, smb, hml, rmw, cma, rf FROM famafrench.factors5_{freq}"),
                _ => ($"famafrench/factors5_{freq}", $"SELECT f.date, f.mktrf, f.smb, f.hml, f.rmw, f.cma, m.umd, f.rf FROM famafrench.factors5_{freq} f LEFT JOIN famafrench.factors_{freq} m USING (date)"),
            };
            var needed = parse.GetValue(model) == "ff6" ? new[] { dataset, $"famafrench/factors_{freq}" } : [dataset];
            using var session = WarehouseOptions.OpenDatasets(parse, needed, "'research sync --full-sync --dataset famafrench' (synthetic) or with '--source files DIR'", selector.Selector(parse), QueryLimits.Default with { MaxRows = 100_000 });
            var first = parse.GetValue(from).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var last = parse.GetValue(to).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var result = session.Query($"SELECT * FROM ({sql}) WHERE date BETWEEN DATE '{first}' AND DATE '{last}' ORDER BY date");
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result.Rows.Select(r => result.Columns.Select((c, i) => (c, v: r[i] is DateOnly d ? (object?)d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : r[i])).ToDictionary(p => p.c, p => p.v)));
                return ExitCodes.Ok;
            }

            var table = new Table();
            foreach (var c in result.Columns)
            {
                table.AddColumn(c);
            }

            foreach (var r in result.Rows)
            {
                table.AddRow(r.Select(v => v switch
                {
                    null => "NULL",
                    DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    double x => x.ToString("F6", CultureInfo.InvariantCulture),
                    _ => Markup.Escape(Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty),
                }).ToArray());
            }

            output.Console.Write(table);
            output.Info($"{result.Rows.Count} row(s) from {string.Join(", ", result.Versions.Select(v => $"{v.Key}@{v.Value}"))}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
