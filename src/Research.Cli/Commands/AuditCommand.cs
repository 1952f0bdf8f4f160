using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Audit;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research audit verify|list|record</c>: the hash-chained audit log (SQLite under the data root, PostgreSQL in production).</summary>
public static class AuditCommand
{
    public static Command Create(CliOutput output)
    {
        var audit = new Command("audit", "The append-only, hash-chained audit log: verify the chain, read it, record a manual action.");

        var verify = new Command("verify", "Recompute the hash chain; exit 1 naming the first row that was changed, removed or relinked.");
        verify.SetAction(async (parse, ct) =>
        {
            var log = Open(parse);
            var result = await log.VerifyAsync(ct).ConfigureAwait(false);
            var head = await log.HeadAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { result.Intact, result.Rows, result.BrokenAt, result.Problem, headSequence = head?.Sequence, headHash = head?.Hash });
            }
            else if (result.Intact)
            {
                output.Out.WriteLine(head is { } h
                    ? $"audit log intact: {result.Rows:N0} rows; head row {h.Sequence}, hash {h.Hash}"
                    : "audit log intact: no rows yet");
            }

            if (!result.Intact)
            {
                throw new CliException($"audit log broken at row {result.BrokenAt}: {result.Problem}");
            }

            return ExitCodes.Ok;
        });

        var actor = new Option<string?>("--actor") { Description = "Only this actor." };
        var action = new Option<string?>("--action") { Description = "Only this action (e.g. sign-in, backtest.submit)." };
        var since = new Option<string?>("--since") { Description = "From this time (ISO 8601)." };
        var limit = new Option<int>("--limit") { Description = "At most this many rows, newest first (default 50).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "Show audit rows, newest first.") { actor, action, since, limit };
        list.SetAction(async (parse, ct) =>
        {
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                from = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at
                    : throw new CliException($"--since: '{text}' is not a time (ISO 8601, e.g. 2026-11-01T00:00:00Z).");
            }

            var rows = await Open(parse).ReadAsync(new AuditQuery(parse.GetValue(actor), parse.GetValue(action), from, null, parse.GetValue(limit)), ct).ConfigureAwait(false);
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

        var what = new Option<string>("--action") { Description = "What was done (e.g. warehouse.rollback).", Required = true };
        var target = new Option<string>("--target") { Description = "What it was done to.", Required = true };
        var why = new Option<string>("--reason") { Description = "Why (required: a manual action is audited with its reason).", Required = true };
        var who = new Option<string>("--actor") { Description = "Who (default: the OS user).", DefaultValueFactory = _ => Environment.UserName };
        var record = new Command("record", "Record a manual action done outside the platform (who, what, why, from this host).") { what, target, why, who };
        record.SetAction(async (parse, ct) =>
        {
            var stored = await Open(parse).AppendAsync(new AuditEntry(parse.GetValue(who)!, parse.GetValue(what)!, parse.GetValue(target)!, "recorded", parse.GetValue(why), $"cli@{Environment.MachineName}"), ct).ConfigureAwait(false);
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

        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(list);
        audit.Subcommands.Add(record);
        return audit;
    }

    /// <summary>Development: <c>&lt;DataRoot&gt;/audit/audit.db</c>; Production: the PostgreSQL of <c>ConnectionStrings:Orleans</c> (after <c>research db migrate</c>).</summary>
    public static AuditLog Open(ParseResult parse) => CliConfiguration.Security(CliConfiguration.Build(parse)).Audit;
}
