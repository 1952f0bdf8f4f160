namespace Research.Grains.Abstractions.Security;

/// <summary>
/// What a client may know about a user account: never the password hash, the TOTP secret or recovery codes (those stay
/// in the silo, which does the checking).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.security.AccountView")]
public sealed record AccountView(
    [property: Id(0)] string UserId,
    [property: Id(1)] string UserName,
    [property: Id(2)] Role Role,
    [property: Id(3)] IReadOnlyList<string> Grants,
    [property: Id(4)] bool TwoFactorEnabled,
    [property: Id(5)] bool MustChangePassword,
    [property: Id(6)] bool Disabled,
    [property: Id(7)] DateTimeOffset? LockedOutUntil,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] int RecoveryCodesLeft);

/// <summary>The outcome of a sign-in step.</summary>
public enum SignInStatus
{
    /// <summary>Signed in: <see cref="SignInOutcome.Account"/> is set.</summary>
    Succeeded,

    /// <summary>Password right, a TOTP or recovery code is needed next.</summary>
    TwoFactorRequired,

    /// <summary>Wrong user name, password or code (the two are not told apart).</summary>
    Failed,

    /// <summary>
    /// Too many wrong second factors (any account) or wrong passwords (an account without a second factor): locked until
    /// <see cref="SignInOutcome.LockedOutUntil"/>. Only said to a caller who gave the right password.
    /// </summary>
    LockedOut,

    /// <summary>The account is disabled.</summary>
    Disabled,

    /// <summary>Too many failures from the caller's address: refused until <see cref="SignInOutcome.LockedOutUntil"/>, whatever the account.</summary>
    Throttled,
}

[GenerateSerializer, Immutable, Alias("research.security.SignInOutcome")]
public sealed record SignInOutcome(
    [property: Id(0)] SignInStatus Result,
    [property: Id(1)] string? UserId = null,
    [property: Id(2)] AccountView? Account = null,
    [property: Id(3)] DateTimeOffset? LockedOutUntil = null);

/// <summary>The result of an account change: success, or what is wrong (shown to the user).</summary>
[GenerateSerializer, Immutable, Alias("research.security.AccountChange")]
public sealed record AccountChange(
    [property: Id(0)] bool Succeeded,
    [property: Id(1)] string? Error = null,
    [property: Id(2)] IReadOnlyList<string>? RecoveryCodes = null);

/// <summary>A new authenticator secret, to show once as a QR code and as text.</summary>
[GenerateSerializer, Immutable, Alias("research.security.AuthenticatorSetup")]
public sealed record AuthenticatorSetup([property: Id(0)] string SharedKey, [property: Id(1)] string OtpAuthUri);

/// <summary>
/// Sign-in and self-service for console users (a stateless worker over the user store; Identity's rules). Every
/// sign-in attempt is audited here with the source the console reports. Self-service methods act on the caller's own
/// account only (the caller identity's name must be the account's).
/// </summary>
[Alias("research.security.account")]
public interface IAccountGrain : IGrainWithIntegerKey
{
    [Alias("password")]
    [PlatformInternal("sign-in: the caller has no session yet; failures count towards lockout")]
    Task<SignInOutcome> SignInWithPasswordAsync(string userName, string password, string source);

    /// <summary>The second step: a TOTP code, or a single-use recovery code when <paramref name="recoveryCode"/>.</summary>
    [Alias("second-factor")]
    [PlatformInternal("sign-in: the caller has no session yet; failures count towards lockout")]
    Task<SignInOutcome> SignInWithSecondFactorAsync(string userId, string code, bool recoveryCode, string source);

    /// <summary>The account as it is now (claims refresh); null when it no longer exists.</summary>
    [Alias("get")]
    Task<AccountView?> GetAsync(string userId);

    /// <summary>Changes the password; every other session of the user ends (<paramref name="keepSession"/>, the one making the change, stays).</summary>
    [Alias("change-password")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<AccountChange> ChangePasswordAsync(string userId, string currentPassword, string newPassword, string? keepSession, string source);

    /// <summary>A fresh authenticator secret (replacing any unconfirmed one); 2FA is not on until <see cref="ConfirmAuthenticatorAsync"/>.</summary>
    [Alias("authenticator-begin")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<AuthenticatorSetup> BeginAuthenticatorAsync(string userId);

    /// <summary>Turns 2FA on when <paramref name="code"/> matches the new secret; returns ten recovery codes, shown once.</summary>
    [Alias("authenticator-confirm")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<AccountChange> ConfirmAuthenticatorAsync(string userId, string code, string source);

    /// <summary>New recovery codes (the old ones stop working), after a valid TOTP code.</summary>
    [Alias("recovery-codes")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<AccountChange> RegenerateRecoveryCodesAsync(string userId, string code, string source);

    /// <summary>Step-up: whether <paramref name="code"/> is a valid TOTP code of the user now.</summary>
    [Alias("step-up")]
    Task<bool> VerifyStepUpAsync(string userId, string code);

    /// <summary>Step-up by user name: whether <paramref name="code"/> is a valid TOTP code of the enabled user <paramref name="userName"/> now (grains that check the code themselves).</summary>
    [Alias("step-up-by-name")]
    Task<bool> VerifyStepUpByNameAsync(string userName, string code);
}

/// <summary>A console session as clients see it.</summary>
[GenerateSerializer, Immutable, Alias("research.security.SessionInfo")]
public sealed record SessionInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string UserId,
    [property: Id(2)] string UserName,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset LastSeenAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] string Remote,
    [property: Id(7)] string UserAgent,
    [property: Id(8)] DateTimeOffset? EndedAt,
    [property: Id(9)] string? EndReason);

/// <summary>A session checked against the timeouts: the session, whether it is live, and if not why.</summary>
[GenerateSerializer, Immutable, Alias("research.security.SessionLookup")]
public sealed record SessionLookup(
    [property: Id(0)] SessionInfo Session,
    [property: Id(1)] byte[] Ticket,
    [property: Id(2)] string? Invalid);

/// <summary>
/// Server-side sessions of the console (stateless worker over the session table): the console's cookie holds only the
/// id. Lookups apply the idle and absolute timeouts and end a timed-out session (audited).
/// </summary>
[Alias("research.security.sessions")]
public interface ISessionDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("create")]
    [PlatformInternal("the console's session store, at a successful sign-in")]
    Task<SessionInfo> CreateAsync(string userId, string userName, string remote, string userAgent, byte[] ticket);

    /// <summary>The session with its ticket and validity, touching last-seen when live (at most once a minute); null when unknown.</summary>
    [Alias("lookup")]
    Task<SessionLookup?> LookupAsync(string sessionId, bool touch);

    [Alias("renew")]
    [PlatformInternal("the console's session store, renewing the cookie of a live session")]
    Task RenewAsync(string sessionId, byte[] ticket);

    /// <summary>Ends a session: signing out (the owner's own) or revoking. Returns false when it was not live.</summary>
    [Alias("end")]
    [PlatformInternal("the console's session store: sign-out, expiry")]
    Task<bool> EndAsync(string sessionId, string reason);

    /// <summary>Live sessions of one user, newest first.</summary>
    [Alias("list-user")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<IReadOnlyList<SessionInfo>> ListForUserAsync(string userId);

    /// <summary>A user revokes one of their own sessions; false when it is not theirs or not live.</summary>
    [Alias("revoke-own")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<bool> RevokeOwnAsync(string userId, string sessionId);

    /// <summary>Everyone's live sessions (administrators).</summary>
    [Alias("list-all")]
    [RequiresAction(ResearchActions.UsersView)]
    Task<IReadOnlyList<SessionInfo>> ListAllAsync(int limit);

    /// <summary>An administrator revokes anyone's session (audited with the reason).</summary>
    [Alias("revoke-any")]
    [RequiresAction(ResearchActions.SessionsRevokeAny)]
    Task<bool> RevokeAnyAsync(string sessionId, string? reason);
}

[GenerateSerializer, Immutable, Alias("research.security.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string UserId,
    [property: Id(2)] string Name,
    [property: Id(3)] IReadOnlyList<string> Scopes,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] DateTimeOffset? RevokedAt,
    [property: Id(7)] DateTimeOffset? LastUsedAt);

/// <summary>A verified key: the key and its owner's account as it is now.</summary>
[GenerateSerializer, Immutable, Alias("research.security.ApiKeyPrincipal")]
public sealed record ApiKeyPrincipal([property: Id(0)] ApiKeyInfo Key, [property: Id(1)] AccountView Owner);

/// <summary>API keys (stateless worker over the key table); the secret is returned once by <see cref="CreateAsync"/> and stored hashed.</summary>
[Alias("research.security.apikeys")]
public interface IApiKeyGrain : IGrainWithIntegerKey
{
    /// <summary>Creates a key for the caller's own account; scopes beyond the owner's role are refused. Returns the key and its text.</summary>
    [Alias("create")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<(ApiKeyInfo Key, string Secret)> CreateAsync(string userId, string name, IReadOnlyList<string> scopes, int days);

    /// <summary>The key's owner when the key is live and the owner enabled; null otherwise.</summary>
    [Alias("verify")]
    Task<ApiKeyPrincipal?> VerifyAsync(string presented);

    [Alias("list")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string userId);

    [Alias("revoke")]
    [RequiresAction(ResearchActions.AccountSelf)]
    Task<bool> RevokeAsync(string userId, string keyId);
}

[GenerateSerializer, Immutable, Alias("research.security.AuditRow")]
public sealed record AuditRow(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Action,
    [property: Id(4)] string Target,
    [property: Id(5)] string Outcome,
    [property: Id(6)] string? Reason,
    [property: Id(7)] string? Source,
    [property: Id(8)] string? Details,
    [property: Id(9)] string Hash);

[GenerateSerializer, Immutable, Alias("research.security.AuditFilter")]
public sealed record AuditFilter(
    [property: Id(0)] string? Actor = null,
    [property: Id(1)] string? Action = null,
    [property: Id(2)] DateTimeOffset? Since = null,
    [property: Id(3)] DateTimeOffset? Until = null,
    [property: Id(4)] int Limit = 200);

[GenerateSerializer, Immutable, Alias("research.security.AuditCheck")]
public sealed record AuditCheck([property: Id(0)] bool Intact, [property: Id(1)] long Rows, [property: Id(2)] long? BrokenAt, [property: Id(3)] string? Problem);

/// <summary>The audit log (stateless worker over the hash-chained table): append from clients, read and verify for operators.</summary>
[Alias("research.security.audit")]
public interface IAuditGrain : IGrainWithIntegerKey
{
    /// <summary>Appends one event; the actor is the caller identity's when the call carries one.</summary>
    [Alias("append")]
    [PlatformInternal("the audit trail: every checked action appends its row")]
    Task AppendAsync(string actor, string action, string target, string outcome, string? reason, string? source, string? details);

    [Alias("read")]
    [RequiresAction(ResearchActions.AuditView)]
    Task<IReadOnlyList<AuditRow>> ReadAsync(AuditFilter filter);

    [Alias("verify")]
    [RequiresAction(ResearchActions.AuditView)]
    Task<AuditCheck> VerifyAsync();
}

/// <summary>A user as administrators see them.</summary>
[GenerateSerializer, Immutable, Alias("research.security.UserSummary")]
public sealed record UserSummary(
    [property: Id(0)] AccountView Account,
    [property: Id(1)] int LiveSessions,
    [property: Id(2)] int LiveApiKeys);

/// <summary>
/// User administration (stateless worker over <c>UserAdministration</c>): every method is an action of the catalogue,
/// checked in the silo against the caller identity, which is also the audit actor.
/// </summary>
[Alias("research.security.useradmin")]
public interface IUserAdminGrain : IGrainWithIntegerKey
{
    [Alias("list")]
    [RequiresAction(ResearchActions.UsersView)]
    Task<IReadOnlyList<UserSummary>> ListAsync();

    /// <summary>Creates a user; returns the one-time password (shown once) or the error.</summary>
    [Alias("create")]
    [RequiresAction(ResearchActions.UsersManage)]
    Task<(AccountChange Change, string? OneTimePassword)> CreateAsync(string userName, string role, string? reason, string source);

    [Alias("role")]
    [RequiresAction(ResearchActions.UsersManage)]
    Task<AccountChange> SetRoleAsync(string userName, string role, string? reason, string source);

    [Alias("grants")]
    [RequiresAction(ResearchActions.UsersManage)]
    Task<AccountChange> SetGrantsAsync(string userName, IReadOnlyList<string> strategies, string? reason, string source);

    [Alias("disabled")]
    [RequiresAction(ResearchActions.UsersSecurity)]
    Task<AccountChange> SetDisabledAsync(string userName, bool disabled, string? reason, string source);

    [Alias("reset-2fa")]
    [RequiresAction(ResearchActions.UsersSecurity)]
    Task<AccountChange> ResetTwoFactorAsync(string userName, string? reason, string source);

    /// <summary>A new one-time password (shown once) and the lockout cleared.</summary>
    [Alias("reset-password")]
    [RequiresAction(ResearchActions.UsersSecurity)]
    Task<(AccountChange Change, string? OneTimePassword)> ResetPasswordAsync(string userName, string? reason, string source);
}
