using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Account;

/// <summary>
/// The account area's way to the cluster: signing in (before there is a session, so without an action check), and the
/// signed-in user's own password, two-factor enrolment, sessions and API keys (each through <see cref="ConsoleActions"/>
/// as <see cref="ResearchActions.AccountSelf"/>; the user is always the one the principal names).
/// </summary>
public sealed class ConsoleAccount(IClusterClient cluster, ConsoleActions actions)
{
    private IAccountGrain Accounts => cluster.GetGrain<IAccountGrain>(0);

    private static readonly ActionOptions Quiet = new(Audit: false);

    public Task<SignInOutcome> SignInWithPasswordAsync(string userName, string password, string source) =>
        Accounts.SignInWithPasswordAsync(userName, password, source);

    public Task<SignInOutcome> SignInWithSecondFactorAsync(string userId, string code, bool recoveryCode, string source) =>
        Accounts.SignInWithSecondFactorAsync(userId, code, recoveryCode, source);

    /// <summary>The signed-in user's account as the silo has it now (null when it no longer exists).</summary>
    public Task<AccountView?> GetAsync(ClaimsPrincipal user) => Accounts.GetAsync(UserId(user));

    public Task<AccountChange> ChangePasswordAsync(ClaimsPrincipal user, string current, string replacement, string source) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "password",
            () => Accounts.ChangePasswordAsync(UserId(user), current, replacement, user.FindFirstValue(ConsoleClaims.Session), source), Quiet);

    public Task<AuthenticatorSetup> BeginAuthenticatorAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "2fa", () => Accounts.BeginAuthenticatorAsync(UserId(user)), Quiet);

    public Task<AccountChange> ConfirmAuthenticatorAsync(ClaimsPrincipal user, string code, string source) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "2fa", () => Accounts.ConfirmAuthenticatorAsync(UserId(user), code, source), Quiet);

    public Task<AccountChange> RegenerateRecoveryCodesAsync(ClaimsPrincipal user, string code, string source) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "2fa", () => Accounts.RegenerateRecoveryCodesAsync(UserId(user), code, source), Quiet);

    public Task<IReadOnlyList<SessionInfo>> ListSessionsAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "sessions", () => cluster.GetGrain<ISessionDirectoryGrain>(0).ListForUserAsync(UserId(user)), Quiet);

    /// <summary>Ends one of the user's own sessions; false when it was not theirs or had already ended.</summary>
    public Task<bool> RevokeSessionAsync(ClaimsPrincipal user, string sessionId) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "session " + sessionId[..Math.Min(8, sessionId.Length)], () => cluster.GetGrain<ISessionDirectoryGrain>(0).RevokeOwnAsync(UserId(user), sessionId), Quiet);

    public Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "api-keys", () => cluster.GetGrain<IApiKeyGrain>(0).ListAsync(UserId(user)), Quiet);

    /// <summary>A new key and its secret (shown once).</summary>
    public Task<(ApiKeyInfo Key, string Secret)> CreateApiKeyAsync(ClaimsPrincipal user, string name, IReadOnlyList<string> scopes, int days) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "api-key", () => cluster.GetGrain<IApiKeyGrain>(0).CreateAsync(UserId(user), name, scopes, days), Quiet);

    public Task<bool> RevokeApiKeyAsync(ClaimsPrincipal user, string keyId) =>
        actions.RunAsync(user, ResearchActions.AccountSelf, "api-key " + keyId, () => cluster.GetGrain<IApiKeyGrain>(0).RevokeAsync(UserId(user), keyId), Quiet);

    /// <summary>
    /// Re-issues the current session's ticket from the account as the silo has it now (after a password change or 2FA
    /// enrolment): the same server-side session, with fresh claims (the cookie handler renews a session it already has).
    /// </summary>
    public async Task RefreshSignInAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var account = await GetAsync(context.User).ConfigureAwait(false) ?? throw new InvalidOperationException("the account no longer exists");
        await context.SignInAsync(ConsoleClaims.CookieScheme, ConsoleClaims.Principal(account, ConsoleClaims.CookieScheme)).ConfigureAwait(false);
    }

    private static string UserId(ClaimsPrincipal user) => ConsoleClaims.UserId(user) ?? throw new ActionDeniedException("Not allowed: not signed in.");
}
