using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Admin;

/// <summary><c>research admin reset-password</c>: give the user a new one-time password (printed once) and clear a lockout; their sessions end.</summary>
internal static class ResetPasswordCommand
{
    public static Command Create(CliOutput output, Option<string> user, Option<string?> reason)
    {
        var command = new Command("reset-password", "Give the user a new one-time password (printed once) and clear a lockout; their sessions end.") { user, reason };
        command.SetAction(async (parse, ct) =>
        {
            await using var scope = AdminCommand.Open(parse);
            var account = await AdminCommand.Find(scope, parse.GetValue(user)!).ConfigureAwait(false);
            var password = await AdminCommand.Run(() => scope.Admin.ResetPasswordAsync(account, AdminCommand.Who(parse, reason), ct)).ConfigureAwait(false);
            output.Done(parse, $"one-time password for '{account.UserName}' (shown once, must be changed at next sign-in): {password}", new { user = account.UserName, oneTimePassword = password, mustChange = true });
            return ExitCodes.Ok;
        });
        return command;
    }
}
