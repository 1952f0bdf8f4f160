using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Relational;
using Spectre.Console;

namespace Research.Cli.Commands.Db;

/// <summary><c>research db status</c>: show which migrations are applied and which are pending.</summary>
internal static class StatusCommand
{
    public static Command Create(CliOutput output, Option<string?> connection)
    {
        var command = new Command("status", "Show which migrations are applied and which are pending.");
        command.SetAction(async (parse, ct) =>
        {
            var applied = await new PostgresMigrator(DbCommand.ConnectionString(parse, connection), TimeProvider.System).AppliedAsync(ct).ConfigureAwait(false);
            var rows = PostgresMigrator.Shipped.Select(m => new { m.Version, m.Name, Applied = applied.ContainsKey(m.Version) }).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(rows);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Version", "Name", "State");
            foreach (var r in rows)
            {
                table.AddRow(r.Version.ToString("D4", CultureInfo.InvariantCulture), r.Name, r.Applied ? "applied" : "pending");
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
