using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Security;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research admin create|list|role|disable|enable|reset-password|reset-2fa</c>: console users in the relational
/// store, through the same <see cref="UserAdministration"/> as the console's admin pages (every change audited, with
/// the OS user as actor). The machine's operator is trusted here: whoever can run this can read the data root anyway.
/// </summary>
public static class AdminCommand
{
    public static Command Create(CliOutput output)
    {
        var admin = new Command("admin", "Console users: create (one-time password), list, change role, disable, re-enable, reset password or 2FA.");
        var user = new Option<string>("--user") { Description = "User name.", Required = true };
        var role = new Option<string>("--role") { Description = $"Role: {string.Join(", ", UserStore.Roles)} (default admin).", DefaultValueFactory = _ => "admin" };
        var reason = new Option<string?>("--reason") { Description = "Why (stored in the audit log)." };

        var create = new Command("create", "Create a user with a one-time password, printed once; the first sign-in must change it.") { user, role, reason };
        create.SetAction(async (parse, ct) =>
        {
            await using var scope = Open(parse);
            var (account, password) = await Run(() => scope.Admin.CreateAsync(parse.GetValue(user)!, parse.GetValue(role)!, Who(parse, reason), ct)).ConfigureAwait(false);
            var roleName = parse.GetValue(role)!.Trim().ToLowerInvariant();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { user = account.UserName, role = roleName, oneTimePassword = password });
            }
            else
            {
                output.Out.WriteLine($"created {roleName} '{account.UserName}'; one-time password (shown once, must be changed at first sign-in): {password}");
            }

            return ExitCodes.Ok;
        });

        var list = new Command("list", "List users with their roles, strategy grants, 2FA and lockout state.");
        list.SetAction(async (parse, ct) =>
        {
            await using var scope = Open(parse);
            var rows = new List<(ResearchUser User, IList<string> Roles, IReadOnlyList<string> Grants)>();
            foreach (var u in await scope.Admin.Storage.Users.ListAsync(ct).ConfigureAwait(false))
            {
                rows.Add((u, await scope.Admin.Users.GetRolesAsync(u).ConfigureAwait(false), await scope.Admin.Storage.Users.GetGrantsAsync(u, ct).ConfigureAwait(false)));
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(rows.Select(r => new { user = r.User.UserName, roles = r.Roles, grants = r.Grants, twoFactor = r.User.TwoFactorEnabled, lockedOutUntil = r.User.LockoutEnd, disabled = r.User.Disabled, mustChangePassword = r.User.MustChangePassword, createdAt = r.User.CreatedAt }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("User", "Roles", "Grants", "2FA", "Locked out until", "Disabled", "Created (UTC)");
            foreach (var (u, roles, grants) in rows)
            {
                table.AddRow(Markup.Escape(u.UserName), string.Join(", ", roles), Markup.Escape(string.Join(", ", grants)), u.TwoFactorEnabled ? "yes" : "no",
                    u.LockoutEnd is { } end && end > TimeProvider.System.GetUtcNow() ? end.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : string.Empty,
                    u.Disabled ? "yes" : "no", u.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });

        var setRole = new Command("role", "Make --role the user's only role (their sessions end).") { user, role, reason };
        setRole.SetAction(async (parse, ct) =>
        {
            await using var scope = Open(parse);
            var account = await Find(scope, parse.GetValue(user)!).ConfigureAwait(false);
            await Run(async () => { await scope.Admin.SetRoleAsync(account, parse.GetValue(role)!, Who(parse, reason), ct).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
            output.Out.WriteLine($"'{account.UserName}' is now {parse.GetValue(role)!.Trim().ToLowerInvariant()}; their sessions were ended.");
            return ExitCodes.Ok;
        });

        Command Toggle(string name, bool disabled, string description)
        {
            var command = new Command(name, description) { user, reason };
            command.SetAction(async (parse, ct) =>
            {
                await using var scope = Open(parse);
                var account = await Find(scope, parse.GetValue(user)!).ConfigureAwait(false);
                await Run(async () => { await scope.Admin.SetDisabledAsync(account, disabled, Who(parse, reason), ct).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
                output.Out.WriteLine(disabled ? $"'{account.UserName}' disabled; sessions ended and API keys revoked." : $"'{account.UserName}' enabled.");
                return ExitCodes.Ok;
            });
            return command;
        }

        var resetPassword = new Command("reset-password", "Give the user a new one-time password (printed once) and clear a lockout; their sessions end.") { user, reason };
        resetPassword.SetAction(async (parse, ct) =>
        {
            await using var scope = Open(parse);
            var account = await Find(scope, parse.GetValue(user)!).ConfigureAwait(false);
            var password = await Run(() => scope.Admin.ResetPasswordAsync(account, Who(parse, reason), ct)).ConfigureAwait(false);
            output.Out.WriteLine($"one-time password for '{account.UserName}' (shown once, must be changed at next sign-in): {password}");
            return ExitCodes.Ok;
        });

        var resetTwoFactor = new Command("reset-2fa", "Remove the user's authenticator and recovery codes (lost device); they enrol again.") { user, reason };
        resetTwoFactor.SetAction(async (parse, ct) =>
        {
            await using var scope = Open(parse);
            var account = await Find(scope, parse.GetValue(user)!).ConfigureAwait(false);
            await Run(async () => { await scope.Admin.ResetTwoFactorAsync(account, Who(parse, reason), ct).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
            output.Out.WriteLine($"2FA of '{account.UserName}' reset; their sessions were ended.");
            return ExitCodes.Ok;
        });

        foreach (var c in new[] { create, list, setRole, Toggle("disable", true, "Disable a user: no sign-in, sessions ended, API keys revoked (kept for the audit trail)."), Toggle("enable", false, "Re-enable a disabled user."), resetPassword, resetTwoFactor })
        {
            admin.Subcommands.Add(c);
        }

        return admin;
    }

    private static AdminContext Who(ParseResult parse, Option<string?> reason) => new(Environment.UserName, $"cli@{Environment.MachineName}", parse.GetValue(reason));

    private static async Task<ResearchUser> Find(Scope scope, string name) =>
        await scope.Admin.Users.FindByNameAsync(name.Trim()).ConfigureAwait(false) ?? throw new CliException($"--user: no user '{name}' (see 'research admin list').");

    private static async Task<T> Run<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new CliException(e.Message, e);
        }
    }

    private static Scope Open(ParseResult parse) => Open(CliConfiguration.Security(CliConfiguration.Build(parse)));

    /// <summary>User administration over <paramref name="storage"/> (dispose the scope when done).</summary>
    public static Scope Open(SecurityStorage storage)
    {
        var provider = new ServiceCollection()
            .AddLogging()
            .AddResearchSecurity(storage)
            .BuildServiceProvider();
        return new Scope(provider, provider.CreateAsyncScope());
    }

    /// <summary>
    /// The first start of a platform: when there is no user at all, creates the administrator <paramref name="userName"/>
    /// and returns its one-time password (else null). <c>research up</c> prints it once.
    /// </summary>
    public static async Task<string?> CreateFirstAdminAsync(SecurityStorage storage, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (await storage.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await using var scope = Open(storage);
        var (_, password) = await scope.Admin.CreateAsync(userName, "admin", new AdminContext(Environment.UserName, $"research up@{Environment.MachineName}", "first start: no user existed"), cancellationToken).ConfigureAwait(false);
        return password;
    }

    public sealed class Scope(ServiceProvider provider, AsyncServiceScope scope) : IAsyncDisposable
    {
        public UserAdministration Admin { get; } = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        public async ValueTask DisposeAsync()
        {
            await scope.DisposeAsync().ConfigureAwait(false);
            await provider.DisposeAsync().ConfigureAwait(false);
        }
    }
}
