using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Audit;

namespace Research.Cli.Commands.Audit;

/// <summary><c>research audit record</c>: record a manual action done outside the platform (who, what, why, from this host).</summary>
internal static class RecordCommand
{
    public static Command Create(CliOutput output)
    {
        var what = new Option<string>("--action") { Description = "What was done (e.g. warehouse.rollback).", Required = true };
        var target = new Option<string>("--target") { Description = "What it was done to.", Required = true };
        var why = new Option<string>("--reason") { Description = "Why (required: a manual action is audited with its reason).", Required = true };
        var who = new Option<string>("--actor") { Description = "Who (default: the OS user).", DefaultValueFactory = _ => Environment.UserName };
        var command = new Command("record", "Record a manual action done outside the platform (who, what, why, from this host).") { what, target, why, who };
        command.SetAction(async (parse, ct) =>
        {
            var stored = await AuditCommand.Open(parse).AppendAsync(new AuditEntry(parse.GetValue(who)!, parse.GetValue(what)!, parse.GetValue(target)!, "recorded", parse.GetValue(why), $"cli@{Environment.MachineName}"), ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(stored);
            }
            else
            {
                output.Info($"audit row {stored.Sequence}: {stored.Hash}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
