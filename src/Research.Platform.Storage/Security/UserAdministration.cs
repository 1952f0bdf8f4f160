using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Research.Platform.Storage.Audit;

namespace Research.Platform.Storage.Security;

/// <summary>Who is making an administrative change, for the audit log: the actor, where from, and why.</summary>
public sealed record AdminContext(string Actor, string Source, string? Reason = null);

/// <summary>
/// Every administrative change to a user, written once for the CLI (<c>research admin</c>, <c>research up</c>) and the
/// console's admin pages: create with a one-time password, role, strategy grants, disable and re-enable, 2FA reset,
/// password reset, unlock. Each change is audited (also when it fails), and every change that takes power away ends
/// the user's sessions and, for disable, revokes their API keys, so it holds on the next request, not at the next
/// sign-in.
/// </summary>
public sealed class UserAdministration(UserManager<ResearchUser> users, SecurityStorage storage, TimeProvider clock)
{
    public UserManager<ResearchUser> Users => users;

    public SecurityStorage Storage => storage;

    /// <summary>Creates a user with a one-time password (returned, never stored in clear) that must be changed at first sign-in.</summary>
    public async Task<(ResearchUser User, string OneTimePassword)> CreateAsync(string userName, string role, AdminContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(who);
        var name = userName?.Trim() ?? string.Empty;
        var roleName = RequireRole(role);
        if (name.Length is < 2 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            await AuditAsync(who, "admin.user.create", name, "refused", "user name: 2 to 64 letters, digits, '.', '-', '_' or '@'", cancellationToken).ConfigureAwait(false);
            throw new ArgumentException($"user name '{name}': use 2 to 64 letters, digits, '.', '-', '_' or '@'.", nameof(userName));
        }

        var password = OneTimePassword();
        var account = new ResearchUser { UserName = name, MustChangePassword = true, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(account, password).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            var why = string.Join(" ", created.Errors.Select(e => e.Description));
            await AuditAsync(who, "admin.user.create", name, "failed", why, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"user '{name}' not created: {why}");
        }

        await users.AddToRoleAsync(account, roleName).ConfigureAwait(false);
        await AuditAsync(who, "admin.user.create", name, "ok", $"role {roleName}", cancellationToken).ConfigureAwait(false);
        return (account, password);
    }

    /// <summary>Makes <paramref name="role"/> the user's only role; ends their sessions so the change applies at once.</summary>
    public async Task SetRoleAsync(ResearchUser user, string role, AdminContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var roleName = RequireRole(role);
        var before = await users.GetRolesAsync(user).ConfigureAwait(false);
        foreach (var old in before.Where(r => r != roleName))
        {
            await users.RemoveFromRoleAsync(user, old).ConfigureAwait(false);
        }

        if (!before.Contains(roleName))
        {
            await users.AddToRoleAsync(user, roleName).ConfigureAwait(false);
        }

        await storage.Sessions.EndAllAsync(user.Id, clock.GetUtcNow(), $"role changed by {who.Actor}", cancellationToken: cancellationToken).ConfigureAwait(false);
        await AuditAsync(who, "admin.user.role", user.UserName, "ok", $"{string.Join(",", before)} -> {roleName}", cancellationToken).ConfigureAwait(false);
    }

    public async Task SetGrantsAsync(ResearchUser user, IReadOnlyCollection<string> strategies, AdminContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var before = await storage.Users.GetGrantsAsync(user, cancellationToken).ConfigureAwait(false);
        await storage.Users.SetGrantsAsync(user, strategies, cancellationToken).ConfigureAwait(false);
        await storage.Sessions.EndAllAsync(user.Id, clock.GetUtcNow(), $"grants changed by {who.Actor}", cancellationToken: cancellationToken).ConfigureAwait(false);
        await AuditAsync(who, "admin.user.grants", user.UserName, "ok", $"[{string.Join(",", before)}] -> [{string.Join(",", strategies)}]", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disables (true) or re-enables a user; disabling ends every session and revokes every API key.</summary>
    public async Task SetDisabledAsync(ResearchUser user, bool disabled, AdminContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(who);
        if (disabled && string.Equals(user.UserName, who.Actor, StringComparison.Ordinal))
        {
            await AuditAsync(who, "admin.user.disable", user.UserName, "refused", "an administrator cannot disable themselves", cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException("You cannot disable your own account; ask another administrator.");
        }

        user.Disabled = disabled;
        Check(await users.UpdateSecurityStampAsync(user).ConfigureAwait(false)); // saves the other changes too
        if (disabled)
        {
            var now = clock.GetUtcNow();
            await storage.Sessions.EndAllAsync(user.Id, now, $"user disabled by {who.Actor}", cancellationToken: cancellationToken).ConfigureAwait(false);
            await storage.ApiKeys.RevokeAllAsync(user.Id, now, cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync(who, disabled ? "admin.user.disable" : "admin.user.enable", user.UserName, "ok", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the user's authenticator and recovery codes (lost phone); they enrol again at next sign-in.</summary>
    public async Task ResetTwoFactorAsync(ResearchUser user, AdminContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        user.TwoFactorEnabled = false;
        user.AuthenticatorKey = null;
        user.RecoveryCodeHashes = [];
        Check(await users.UpdateSecurityStampAsync(user).ConfigureAwait(false)); // saves the other changes too
        await storage.Sessions.EndAllAsync(user.Id, clock.GetUtcNow(), $"2FA reset by {who.Actor}", cancellationToken: cancellationToken).ConfigureAwait(false);
        await AuditAsync(who, "admin.user.reset-2fa", user.UserName, "ok", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the password with a one-time one (returned) and clears a lockout; ends the user's sessions.</summary>
    public async Task<string> ResetPasswordAsync(ResearchUser user, AdminContext who, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var password = OneTimePassword();
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.MustChangePassword = true;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        Check(await users.UpdateSecurityStampAsync(user).ConfigureAwait(false)); // saves the other changes too
        await storage.Sessions.EndAllAsync(user.Id, clock.GetUtcNow(), $"password reset by {who.Actor}", cancellationToken: cancellationToken).ConfigureAwait(false);
        await AuditAsync(who, "admin.user.reset-password", user.UserName, "ok", null, cancellationToken).ConfigureAwait(false);
        return password;
    }

    /// <summary>20 characters from an unambiguous alphabet (about 98 bits), grouped for reading aloud.</summary>
    public static string OneTimePassword()
    {
        const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 20);
        return string.Join('-', Enumerable.Range(0, 4).Select(g => new string(chars, g * 5, 5)));
    }

    private Task<AuditRecord> AuditAsync(AdminContext who, string action, string target, string outcome, string? details, CancellationToken cancellationToken) =>
        storage.Audit.AppendAsync(new AuditEntry(who.Actor, action, target, outcome, who.Reason, who.Source, details), cancellationToken);

    private static string RequireRole(string role)
    {
        var name = role?.Trim().ToLowerInvariant() ?? string.Empty;
        return UserStore.Roles.Contains(name, StringComparer.Ordinal) ? name : throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", UserStore.Roles)}.", nameof(role));
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
