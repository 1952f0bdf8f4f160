using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Audit;

namespace Research.Cli.Commands.Audit;

/// <summary><c>research audit verify|list|record</c>: the hash-chained audit log (SQLite under the data root, PostgreSQL in production).</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class AuditCommand
{
    public static Command Create(CliOutput output)
    {
        var audit = new Command("audit", "The append-only, hash-chained audit log: verify the chain, read it, record a manual action.");
        audit.Subcommands.Add(VerifyCommand.Create(output));
        audit.Subcommands.Add(ListCommand.Create(output));
        audit.Subcommands.Add(RecordCommand.Create(output));
        return audit;
    }

    /// <summary>Development: <c>&lt;DataRoot&gt;/audit/audit.db</c>; Production: the PostgreSQL of <c>ConnectionStrings:Orleans</c> (after <c>research db migrate</c>).</summary>
    public static AuditLog Open(ParseResult parse) => CliConfiguration.Security(CliConfiguration.Build(parse)).Audit;
}
