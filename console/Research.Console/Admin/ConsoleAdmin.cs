using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Admin;

/// <summary>The confirmation an administrative change carries: an authenticator code (step-up) and the reason recorded with it.</summary>
public sealed record AdminConfirmation(string? Code, string? Reason);

/// <summary>
/// The administration area's way to the cluster: users (create, role, grants, disable, resets) and everyone's sessions.
/// Each change goes through <see cref="ConsoleActions"/> with its step-up code; the silo audits the change itself (with
/// the reason), the console audits refusals.
/// </summary>
public sealed class ConsoleAdmin(IClusterClient cluster, ConsoleActions actions)
{
    private IUserAdminGrain Users => cluster.GetGrain<IUserAdminGrain>(0);

    private ISessionDirectoryGrain Sessions => cluster.GetGrain<ISessionDirectoryGrain>(0);

    public Task<IReadOnlyList<UserSummary>> ListUsersAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.UsersView, "users", () => Users.ListAsync(), new ActionOptions(Audit: false));

    public Task<(AccountChange Change, string? OneTimePassword)> CreateUserAsync(ClaimsPrincipal user, string name, string role, AdminConfirmation confirmation, string source) =>
        Run(user, ResearchActions.UsersManage, name, confirmation, () => Users.CreateAsync(name, role, confirmation.Reason, source));

    public Task<AccountChange> SetRoleAsync(ClaimsPrincipal user, string name, string role, AdminConfirmation confirmation, string source) =>
        Run(user, ResearchActions.UsersManage, name, confirmation, () => Users.SetRoleAsync(name, role, confirmation.Reason, source));

    public Task<AccountChange> SetGrantsAsync(ClaimsPrincipal user, string name, IReadOnlyList<string> strategies, AdminConfirmation confirmation, string source) =>
        Run(user, ResearchActions.UsersManage, name, confirmation, () => Users.SetGrantsAsync(name, strategies, confirmation.Reason, source));

    public Task<AccountChange> SetDisabledAsync(ClaimsPrincipal user, string name, bool disabled, AdminConfirmation confirmation, string source) =>
        Run(user, ResearchActions.UsersSecurity, name, confirmation, () => Users.SetDisabledAsync(name, disabled, confirmation.Reason, source));

    public Task<AccountChange> ResetTwoFactorAsync(ClaimsPrincipal user, string name, AdminConfirmation confirmation, string source) =>
        Run(user, ResearchActions.UsersSecurity, name, confirmation, () => Users.ResetTwoFactorAsync(name, confirmation.Reason, source));

    public Task<(AccountChange Change, string? OneTimePassword)> ResetPasswordAsync(ClaimsPrincipal user, string name, AdminConfirmation confirmation, string source) =>
        Run(user, ResearchActions.UsersSecurity, name, confirmation, () => Users.ResetPasswordAsync(name, confirmation.Reason, source));

    public Task<IReadOnlyList<SessionInfo>> ListSessionsAsync(ClaimsPrincipal user, int limit = 500) =>
        actions.RunAsync(user, ResearchActions.UsersView, "sessions", () => Sessions.ListAllAsync(limit), new ActionOptions(Audit: false));

    /// <summary>Ends another user's session; false when it had already ended.</summary>
    public Task<bool> RevokeSessionAsync(ClaimsPrincipal user, string sessionId, AdminConfirmation confirmation) =>
        Run(user, ResearchActions.SessionsRevokeAny, sessionId[..Math.Min(8, sessionId.Length)], confirmation, () => Sessions.RevokeAnyAsync(sessionId, confirmation.Reason));

    private Task<T> Run<T>(ClaimsPrincipal user, string action, string? target, AdminConfirmation confirmation, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        return actions.RunAsync(user, action, string.IsNullOrEmpty(target) ? "-" : target, call, new ActionOptions(StepUpCode: confirmation.Code, Reason: confirmation.Reason, Audit: false));
    }
}
