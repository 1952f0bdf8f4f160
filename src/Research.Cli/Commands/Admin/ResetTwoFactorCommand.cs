using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Admin;

/// <summary><c>research admin reset-2fa</c>: remove the user's authenticator and recovery codes (lost device); they enrol again.</summary>
internal static class ResetTwoFactorCommand
{
    public static Command Create(CliOutput output, Option<string> user, Option<string?> reason)
    {
        var command = new Command("reset-2fa", "Remove the user's authenticator and recovery codes (lost device); they enrol again.") { user, reason };
        command.SetAction(async (parse, ct) =>
        {
            await using var scope = AdminCommand.Open(parse);
            var account = await AdminCommand.Find(scope, parse.GetValue(user)!).ConfigureAwait(false);
            await AdminCommand.Run(async () => { await scope.Admin.ResetTwoFactorAsync(account, AdminCommand.Who(parse, reason), ct).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
            output.Done(parse, $"2FA of '{account.UserName}' reset; their sessions were ended.", new { user = account.UserName, twoFactorReset = true, sessionsEnded = true });
            return ExitCodes.Ok;
        });
        return command;
    }
}
