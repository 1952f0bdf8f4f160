using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Audit;

/// <summary><c>research audit verify</c>: verify the MAC chain against its key and anchors; exit 1 naming the first row that was changed, forged, removed or cut off.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliOutput output)
    {
        var command = new Command("verify", "Verify the MAC chain against its key and anchors; exit 1 naming the first row that was changed, forged, removed, relinked or cut off.");
        command.SetAction(async (parse, ct) =>
        {
            var log = AuditCommand.Open(parse);
            var result = await log.VerifyAsync(ct).ConfigureAwait(false);
            var head = await log.HeadAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { result.Intact, result.Rows, result.BrokenAt, result.Problem, result.AnchoredThrough, headSequence = head?.Sequence, headHash = head?.Hash, keyFile = log.Integrity.KeyFile, anchorFile = log.Integrity.AnchorFile });
            }
            else if (result.Intact)
            {
                output.Out.WriteLine(head is { } h
                    ? $"audit log intact: {result.Rows:N0} rows, MACs and links verified with {log.Integrity.KeyFile}; anchored through row {result.AnchoredThrough} ({log.Integrity.AnchorFile}){(h.Sequence > result.AnchoredThrough ? $"; rows {result.AnchoredThrough + 1}..{h.Sequence} unanchored (their writer stopped before anchoring)" : string.Empty)}; head row {h.Sequence}, MAC {h.Hash}"
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
