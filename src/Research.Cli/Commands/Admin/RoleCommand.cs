using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Admin;

/// <summary><c>research admin role</c>: make --role the user's only role (their sessions end).</summary>
internal static class RoleCommand
{
    public static Command Create(CliOutput output, Option<string> user, Option<string> role, Option<string?> reason)
    {
        var command = new Command("role", "Make --role the user's only role (their sessions end).") { user, role, reason };
        command.SetAction(async (parse, ct) =>
        {
            await using var scope = AdminCommand.Open(parse);
            var account = await AdminCommand.Find(scope, parse.GetValue(user)!).ConfigureAwait(false);
            await AdminCommand.Run(async () => { await scope.Admin.SetRoleAsync(account, parse.GetValue(role)!, AdminCommand.Who(parse, reason), ct).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
            output.Done(parse, $"'{account.UserName}' is now {parse.GetValue(role)!.Trim().ToLowerInvariant()}; their sessions were ended.", new { user = account.UserName, role = parse.GetValue(role)!.Trim().ToLowerInvariant(), sessionsEnded = true });
            return ExitCodes.Ok;
        });
        return command;
    }
}
