using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Admin;

/// <summary><c>research admin disable|enable --user U</c>: a disabled user cannot sign in; their sessions end and API keys are revoked.</summary>
internal static class ToggleCommand
{
    public static Command Create(CliOutput output, Option<string> user, Option<string?> reason, bool disabled)
    {
        var command = disabled
            ? new Command("disable", "Disable a user: no sign-in, sessions ended, API keys revoked (kept for the audit trail).") { user, reason }
            : new Command("enable", "Re-enable a disabled user.") { user, reason };
        command.SetAction(async (parse, ct) =>
        {
            await using var scope = AdminCommand.Open(parse);
            var account = await AdminCommand.Find(scope, parse.GetValue(user)!).ConfigureAwait(false);
            await AdminCommand.Run(async () => { await scope.Admin.SetDisabledAsync(account, disabled, AdminCommand.Who(parse, reason), ct).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
            output.Done(parse, disabled ? $"'{account.UserName}' disabled; sessions ended and API keys revoked." : $"'{account.UserName}' enabled.", new { user = account.UserName, disabled });
            return ExitCodes.Ok;
        });
        return command;
    }
}
