using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Audit;
using Spectre.Console;

namespace Research.Cli.Commands.Audit;

/// <summary><c>research audit list</c>: show audit rows, newest first.</summary>
internal static class ListCommand
{
    public static Command Create(CliOutput output)
    {
        var actor = new Option<string?>("--actor") { Description = "Only this actor." };
        var action = new Option<string?>("--action") { Description = "Only this action (e.g. sign-in, backtest.submit)." };
        var since = new Option<string?>("--since") { Description = "From this time (ISO 8601)." };
        var limit = new Option<int>("--limit") { Description = "At most this many rows, newest first (default 50).", DefaultValueFactory = _ => 50 }.Positive();
        var command = new Command("list", "Show audit rows, newest first.") { actor, action, since, limit };
        command.SetAction(async (parse, ct) =>
        {
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                from = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at
                    : throw new CliException($"--since: '{text}' is not a time (ISO 8601, e.g. 2026-11-01T00:00:00Z).");
            }

            var rows = await AuditCommand.Open(parse).ReadAsync(new AuditQuery(parse.GetValue(actor), parse.GetValue(action), from, null, parse.GetValue(limit)), ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(rows);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("#", "When (UTC)", "Actor", "Action", "Target", "Outcome", "Reason", "From");
            foreach (var r in rows)
            {
                table.AddRow(r.Sequence.ToString(CultureInfo.InvariantCulture), r.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Markup.Escape(r.Entry.Actor),
                    Markup.Escape(r.Entry.Action), Markup.Escape(r.Entry.Target), Markup.Escape(r.Entry.Outcome), Markup.Escape(r.Entry.Reason ?? string.Empty), Markup.Escape(r.Entry.Source ?? string.Empty));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
