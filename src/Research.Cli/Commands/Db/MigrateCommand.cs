using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Relational;
using Spectre.Console;

namespace Research.Cli.Commands.Db;

/// <summary><c>research db migrate</c>: apply pending schema migrations (idempotent; safe to run from several machines at once).</summary>
internal static class MigrateCommand
{
    public static Command Create(CliOutput output, Option<string?> connection)
    {
        var command = new Command("migrate", "Apply pending schema migrations (idempotent; safe to run from several machines at once).");
        command.SetAction(async (parse, ct) =>
        {
            var applied = await new PostgresMigrator(DbCommand.ConnectionString(parse, connection), TimeProvider.System).MigrateAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(applied.Select(m => new { m.Version, m.Name, m.Sha256 }));
            }
            else
            {
                output.Out.WriteLine(applied.Count == 0
                    ? $"schema is up to date ({PostgresMigrator.Shipped.Count} migrations)"
                    : $"applied {applied.Count} migration(s): {string.Join(", ", applied.Select(m => $"{m.Version:D4}_{m.Name}"))}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
