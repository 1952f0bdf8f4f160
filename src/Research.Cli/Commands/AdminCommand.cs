using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Research.Cli.Infrastructure;
using Research.Data.Audit;
using Research.Data.Security;
using Research.Grains.Client;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research admin create|list</c>: console users in the relational store (Identity's rules from <see cref="IdentityPolicy"/>), every change audited.</summary>
public static class AdminCommand
{
    public static Command Create(CliOutput output)
    {
        var admin = new Command("admin", "Console users: create one with a one-time password, list them.");
        var user = new Option<string>("--user") { Description = "User name.", Required = true };
        var role = new Option<string>("--role") { Description = $"Role: {string.Join(", ", UserStore.Roles)} (default admin).", DefaultValueFactory = _ => "admin" };
        var create = new Command("create", "Create a user with a one-time password, printed once; the first sign-in must change it.") { user, role };
        create.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(user)!.Trim();
            var roleName = parse.GetValue(role)!.Trim().ToLowerInvariant();
            if (!UserStore.Roles.Contains(roleName, StringComparer.Ordinal))
            {
                throw new CliException($"--role: '{roleName}' is not one of {string.Join(", ", UserStore.Roles)}.");
            }

            await using var services = Services(parse);
            var users = services.GetRequiredService<UserManager<ResearchUser>>();
            var password = OneTimePassword();
            var account = new ResearchUser { UserName = name, MustChangePassword = true, CreatedAt = DateTimeOffset.UtcNow };
            var created = await users.CreateAsync(account, password).ConfigureAwait(false);
            if (!created.Succeeded)
            {
                throw new CliException($"user '{name}' not created: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            }

            await users.AddToRoleAsync(account, roleName).ConfigureAwait(false);
            await AuditCommand.Open(parse).AppendAsync(new AuditEntry(Environment.UserName, "admin.user.create", name, "ok", $"role {roleName}", $"cli@{Environment.MachineName}"), ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { user = name, role = roleName, oneTimePassword = password });
            }
            else
            {
                output.Out.WriteLine($"created {roleName} '{name}'; one-time password (shown once, must be changed at first sign-in): {password}");
            }

            return ExitCodes.Ok;
        });

        var list = new Command("list", "List users with their roles, 2FA and lockout state.");
        list.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse);
            var store = services.GetRequiredService<UserStore>();
            var users = services.GetRequiredService<UserManager<ResearchUser>>();
            var rows = new List<(ResearchUser User, IList<string> Roles)>();
            foreach (var u in await store.ListAsync(ct).ConfigureAwait(false))
            {
                rows.Add((u, await users.GetRolesAsync(u).ConfigureAwait(false)));
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(rows.Select(r => new { user = r.User.UserName, roles = r.Roles, twoFactor = r.User.TwoFactorEnabled, lockedOutUntil = r.User.LockoutEnd, disabled = r.User.Disabled, mustChangePassword = r.User.MustChangePassword, createdAt = r.User.CreatedAt }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("User", "Roles", "2FA", "Locked out until", "Disabled", "Created (UTC)");
            foreach (var (u, roles) in rows)
            {
                table.AddRow(Markup.Escape(u.UserName), string.Join(", ", roles), u.TwoFactorEnabled ? "yes" : "no", u.LockoutEnd is { } end && end > DateTimeOffset.UtcNow ? end.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : string.Empty,
                    u.Disabled ? "yes" : "no", u.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });

        admin.Subcommands.Add(create);
        admin.Subcommands.Add(list);
        return admin;
    }

    /// <summary>Identity over the user store: <c>&lt;DataRoot&gt;/security/users.db</c>, or PostgreSQL in production.</summary>
    private static ServiceProvider Services(ParseResult parse)
    {
        var configuration = CliConfiguration.Build(parse);
        var settings = ClusterSettings.From(configuration);
        var store = settings.Profile == HostingProfile.Production
            ? UserStore.Postgres(settings.ConnectionString!)
            : UserStore.Sqlite(Path.Combine(CliConfiguration.DataRoot(configuration), "security", "users.db"));
        return new ServiceCollection()
            .AddLogging()
            .AddResearchIdentity(store)
            .BuildServiceProvider();
    }

    /// <summary>20 characters from an unambiguous alphabet (about 100 bits), grouped for reading aloud.</summary>
    private static string OneTimePassword()
    {
        const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 20);
        return string.Join('-', Enumerable.Range(0, 4).Select(g => new string(chars, g * 5, 5)));
    }
}
