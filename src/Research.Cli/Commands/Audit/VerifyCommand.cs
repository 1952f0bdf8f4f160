using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Audit;

/// <summary><c>research audit verify</c>: recompute the hash chain; exit 1 naming the first row that was changed, removed or relinked.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliOutput output)
    {
        var command = new Command("verify", "Recompute the hash chain; exit 1 naming the first row that was changed, removed or relinked.");
        command.SetAction(async (parse, ct) =>
        {
            var log = AuditCommand.Open(parse);
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
        return command;
    }
}
