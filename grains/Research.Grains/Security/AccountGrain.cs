using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Security;

namespace Research.Grains.Security;

/// <summary>
/// Sign-in and self-service over Identity's user manager (password hashing, lockout counting, TOTP) in the silo: the
/// console never sees a password hash, a TOTP secret after enrolment, or a recovery code after it is shown once.
/// </summary>
[StatelessWorker]
public sealed class AccountGrain(UserManager<ResearchUser> users, SecurityStorage storage, TimeProvider clock) : Grain, IAccountGrain
{
    private const string Issuer = "Research";

    /// <summary>
    /// The password step, in order: (1) an address over its failure limit is refused, whatever the account
    /// (<see cref="SignInThrottleGrain"/>); (2) the password is checked, for an unknown name against a dummy hash, so
    /// neither the answer nor its timing tells whether the account exists or is locked; (3) a wrong password counts
    /// against the address, and against the account only when the account has no second factor (so strangers cannot
    /// lock out anyone who has one: a valid password and code still pass); (4) only after the right password does the
    /// caller learn that the account is disabled or locked.
    /// </summary>
    public async Task<SignInOutcome> SignInWithPasswordAsync(string userName, string password, string source)
    {
        var name = (userName ?? string.Empty).Trim();
        var throttle = GrainFactory.GetGrain<ISignInThrottleGrain>(ThrottleKey(source));
        if (await throttle.RefusedUntilAsync().ConfigureAwait(true) is { } until)
        {
            return await AuditAsync(name, "sign-in", new SignInOutcome(SignInStatus.Throttled, LockedOutUntil: until), source, "too many failed sign-ins from this address").ConfigureAwait(true);
        }

        var user = name.Length is > 0 and <= 64 ? await users.FindByNameAsync(name).ConfigureAwait(true) : null;
        if (user is null)
        {
            // Spend the time a password check costs, so a missing user is not told apart by timing.
            users.PasswordHasher.VerifyHashedPassword(new ResearchUser(), DummyHash.Value, password ?? string.Empty);
            await throttle.RecordFailureAsync().ConfigureAwait(true);
            return await AuditAsync(name, "sign-in", new SignInOutcome(SignInStatus.Failed), source, "unknown user").ConfigureAwait(true);
        }

        if (!await users.CheckPasswordAsync(user, password ?? string.Empty).ConfigureAwait(true))
        {
            await throttle.RecordFailureAsync().ConfigureAwait(true);
            if (user.TwoFactorEnabled)
            {
                return await AuditAsync(user.UserName, "sign-in", new SignInOutcome(SignInStatus.Failed), source, "wrong password (second factor enrolled: not counted towards lockout)").ConfigureAwait(true);
            }

            var wasLocked = await users.IsLockedOutAsync(user).ConfigureAwait(true);
            if (!wasLocked)
            {
                await users.AccessFailedAsync(user).ConfigureAwait(true);
            }

            var locked = wasLocked || await users.IsLockedOutAsync(user).ConfigureAwait(true);
            return await AuditAsync(user.UserName, "sign-in", new SignInOutcome(SignInStatus.Failed), source,
                wasLocked ? "wrong password while locked" : locked ? $"wrong password; locked after {IdentityPolicy.MaxFailedAttempts} failures" : $"wrong password ({user.AccessFailedCount} of {IdentityPolicy.MaxFailedAttempts})").ConfigureAwait(true);
        }

        if (user.Disabled)
        {
            return await AuditAsync(user.UserName, "sign-in", new SignInOutcome(SignInStatus.Disabled), source, null).ConfigureAwait(true);
        }

        if (user.TwoFactorEnabled)
        {
            // A lock from wrong codes is reported by the second step; wrong passwords never lock this account.
            return await AuditAsync(user.UserName, "sign-in", new SignInOutcome(SignInStatus.TwoFactorRequired, user.Id), source, "password accepted; second factor next").ConfigureAwait(true);
        }

        if (await users.IsLockedOutAsync(user).ConfigureAwait(true))
        {
            return await AuditAsync(user.UserName, "sign-in", new SignInOutcome(SignInStatus.LockedOut, LockedOutUntil: user.LockoutEnd), source, "right password while locked").ConfigureAwait(true);
        }

        await users.ResetAccessFailedCountAsync(user).ConfigureAwait(true);
        return await AuditAsync(user.UserName, "sign-in", new SignInOutcome(SignInStatus.Succeeded, user.Id, await ViewAsync(user).ConfigureAwait(true)), source, "password only").ConfigureAwait(true);
    }

    /// <summary>The second step; reached only with the right password. Wrong codes count against the address and the account.</summary>
    public async Task<SignInOutcome> SignInWithSecondFactorAsync(string userId, string code, bool recoveryCode, string source)
    {
        var user = await users.FindByIdAsync(userId).ConfigureAwait(true);
        if (user is null || !user.TwoFactorEnabled)
        {
            return await AuditAsync(user?.UserName ?? userId, "sign-in.2fa", new SignInOutcome(SignInStatus.Failed), source, "no second factor for this user").ConfigureAwait(true);
        }

        var throttle = GrainFactory.GetGrain<ISignInThrottleGrain>(ThrottleKey(source));
        if (await throttle.RefusedUntilAsync().ConfigureAwait(true) is { } until)
        {
            return await AuditAsync(user.UserName, "sign-in.2fa", new SignInOutcome(SignInStatus.Throttled, LockedOutUntil: until), source, "too many failed sign-ins from this address").ConfigureAwait(true);
        }

        if (user.Disabled)
        {
            return await AuditAsync(user.UserName, "sign-in.2fa", new SignInOutcome(SignInStatus.Disabled), source, null).ConfigureAwait(true);
        }

        if (await users.IsLockedOutAsync(user).ConfigureAwait(true))
        {
            return await AuditAsync(user.UserName, "sign-in.2fa", new SignInOutcome(SignInStatus.LockedOut, LockedOutUntil: user.LockoutEnd), source, null).ConfigureAwait(true);
        }

        var cleaned = (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        var ok = recoveryCode
            ? (await users.RedeemTwoFactorRecoveryCodeAsync(user, (code ?? string.Empty).Trim()).ConfigureAwait(true)).Succeeded
            : await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, cleaned).ConfigureAwait(true);
        if (!ok)
        {
            await throttle.RecordFailureAsync().ConfigureAwait(true);
            await users.AccessFailedAsync(user).ConfigureAwait(true);
            var locked = await users.IsLockedOutAsync(user).ConfigureAwait(true);
            return await AuditAsync(user.UserName, "sign-in.2fa",
                locked ? new SignInOutcome(SignInStatus.LockedOut, LockedOutUntil: user.LockoutEnd) : new SignInOutcome(SignInStatus.Failed), source,
                recoveryCode ? "wrong recovery code" : "wrong authenticator code").ConfigureAwait(true);
        }

        await users.ResetAccessFailedCountAsync(user).ConfigureAwait(true);
        return await AuditAsync(user.UserName, "sign-in.2fa", new SignInOutcome(SignInStatus.Succeeded, user.Id, await ViewAsync(user).ConfigureAwait(true)), source,
            recoveryCode ? $"recovery code used; {user.RecoveryCodeHashes.Count} left" : "authenticator code").ConfigureAwait(true);
    }

    /// <summary>The throttle's key: the address the console reports (one key for callers that give none).</summary>
    private static string ThrottleKey(string? source) => string.IsNullOrWhiteSpace(source) ? "unknown" : source.Trim();

    public async Task<AccountView?> GetAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId).ConfigureAwait(true);
        return user is null ? null : await ViewAsync(user).ConfigureAwait(true);
    }

    public async Task<AccountChange> ChangePasswordAsync(string userId, string currentPassword, string newPassword, string? keepSession, string source)
    {
        var user = await SelfAsync(userId).ConfigureAwait(true);
        if (string.Equals(currentPassword, newPassword, StringComparison.Ordinal))
        {
            return new AccountChange(false, "The new password must differ from the current one.");
        }

        user.MustChangePassword = false;
        var result = await users.ChangePasswordAsync(user, currentPassword ?? string.Empty, newPassword ?? string.Empty).ConfigureAwait(true);
        if (!result.Succeeded)
        {
            var why = string.Join(" ", result.Errors.Select(e => e.Code == "PasswordMismatch" ? "The current password is wrong." : e.Description));
            await storage.Audit.AppendAsync(new AuditEntry(user.UserName, "account.password", user.UserName, "failed", null, source, why)).ConfigureAwait(true);
            return new AccountChange(false, why);
        }

        var ended = await storage.Sessions.EndAllAsync(user.Id, clock.GetUtcNow(), "password changed", keepSession).ConfigureAwait(true);
        await storage.Audit.AppendAsync(new AuditEntry(user.UserName, "account.password", user.UserName, "ok", null, source, $"{ended} session(s) ended")).ConfigureAwait(true);
        return new AccountChange(true);
    }

    public async Task<AuthenticatorSetup> BeginAuthenticatorAsync(string userId)
    {
        var user = await SelfAsync(userId).ConfigureAwait(true);
        if (user.TwoFactorEnabled)
        {
            throw new InvalidOperationException("An authenticator is already enrolled; an administrator resets it when the device is lost.");
        }

        await users.ResetAuthenticatorKeyAsync(user).ConfigureAwait(true);
        var key = await users.GetAuthenticatorKeyAsync(user).ConfigureAwait(true) ?? throw new InvalidOperationException("no authenticator key was generated");
        var uri = string.Create(CultureInfo.InvariantCulture, $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(user.UserName)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30");
        return new AuthenticatorSetup(key, uri);
    }

    public async Task<AccountChange> ConfirmAuthenticatorAsync(string userId, string code, string source)
    {
        var user = await SelfAsync(userId).ConfigureAwait(true);
        if (user.TwoFactorEnabled || user.AuthenticatorKey is null)
        {
            return new AccountChange(false, user.TwoFactorEnabled ? "An authenticator is already enrolled." : "Start the enrolment first.");
        }

        var cleaned = (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, cleaned).ConfigureAwait(true))
        {
            await storage.Audit.AppendAsync(new AuditEntry(user.UserName, "account.2fa.enrol", user.UserName, "failed", null, source, "wrong code")).ConfigureAwait(true);
            return new AccountChange(false, "That code does not match; check the phone's clock and enter the current code.");
        }

        await users.SetTwoFactorEnabledAsync(user, true).ConfigureAwait(true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10).ConfigureAwait(true);
        await storage.Audit.AppendAsync(new AuditEntry(user.UserName, "account.2fa.enrol", user.UserName, "ok", null, source, "10 recovery codes issued")).ConfigureAwait(true);
        return new AccountChange(true, RecoveryCodes: [.. codes ?? []]);
    }

    public async Task<AccountChange> RegenerateRecoveryCodesAsync(string userId, string code, string source)
    {
        var user = await SelfAsync(userId).ConfigureAwait(true);
        if (!user.TwoFactorEnabled || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal)).ConfigureAwait(true))
        {
            return new AccountChange(false, "The authenticator code is wrong or expired.");
        }

        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10).ConfigureAwait(true);
        await storage.Audit.AppendAsync(new AuditEntry(user.UserName, "account.2fa.recovery-codes", user.UserName, "ok", null, source, "10 new recovery codes; the old ones no longer work")).ConfigureAwait(true);
        return new AccountChange(true, RecoveryCodes: [.. codes ?? []]);
    }

    public async Task<bool> VerifyStepUpAsync(string userId, string code) => await VerifyAsync(await users.FindByIdAsync(userId).ConfigureAwait(true), code).ConfigureAwait(true);

    public async Task<bool> VerifyStepUpByNameAsync(string userName, string code) => await VerifyAsync(await users.FindByNameAsync(userName).ConfigureAwait(true), code).ConfigureAwait(true);

    private async Task<bool> VerifyAsync(ResearchUser? user, string code)
    {
        return user is { TwoFactorEnabled: true, Disabled: false }
            && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal)).ConfigureAwait(true);
    }

    private Task<ResearchUser> SelfAsync(string userId) => AccountViews.RequireSelfAsync(users, userId);

    private Task<AccountView> ViewAsync(ResearchUser user) => AccountViews.ToViewAsync(users, storage.Users, user, clock.GetUtcNow());

    private async Task<SignInOutcome> AuditAsync(string user, string action, SignInOutcome outcome, string source, string? details)
    {
        var result = outcome.Result switch
        {
            SignInStatus.Succeeded => "ok",
            SignInStatus.TwoFactorRequired => "second-factor",
            SignInStatus.LockedOut => "locked",
            SignInStatus.Disabled => "disabled",
            SignInStatus.Throttled => "throttled",
            _ when details?.Contains("locked", StringComparison.Ordinal) == true => "locked",
            _ => "failed",
        };
        await storage.Audit.AppendAsync(new AuditEntry(user.Length == 0 ? "(empty)" : user, action, user, result, null, source, details)).ConfigureAwait(true);
        return outcome;
    }

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<ResearchUser>().HashPassword(new ResearchUser(), Guid.NewGuid().ToString()));
}

/// <summary>The client-facing view of a user (no secrets), and the self-service rule.</summary>
public static class AccountViews
{
    /// <summary>
    /// The account of <paramref name="userId"/> for a self-service call: it must be the caller's own when the call
    /// carries an identity (the silo's filter has already checked the caller's role).
    /// </summary>
    public static async Task<ResearchUser> RequireSelfAsync(UserManager<ResearchUser> users, string userId)
    {
        ArgumentNullException.ThrowIfNull(users);
        var user = await users.FindByIdAsync(userId).ConfigureAwait(false);
        var caller = CallerIdentity.Current;
        if (user is null || (caller is not null && !string.Equals(caller.Actor, user.UserName, StringComparison.Ordinal)))
        {
            throw new ActionDeniedException(ResearchActions.AccountSelf, caller?.Actor, caller?.Role ?? Role.None);
        }

        return user;
    }

    public static async Task<AccountView> ToViewAsync(UserManager<ResearchUser> users, UserStore store, ResearchUser user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(user);
        var role = ResearchActions.Highest(await users.GetRolesAsync(user).ConfigureAwait(false));
        var grants = await store.GetGrantsAsync(user).ConfigureAwait(false);
        var lockedUntil = user.LockoutEnd is { } end && end > now ? end : (DateTimeOffset?)null;
        return new AccountView(user.Id, user.UserName, role, grants, user.TwoFactorEnabled, user.MustChangePassword, user.Disabled, lockedUntil, user.CreatedAt, user.RecoveryCodeHashes.Count);
    }
}
