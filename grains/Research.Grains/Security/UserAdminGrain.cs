using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Security;

namespace Research.Grains.Security;

/// <summary>
/// User administration for the console over the same <see cref="UserAdministration"/> as <c>research admin</c>; the
/// silo's filter has checked the action against the caller's role, and the caller is the audit actor.
/// </summary>
[StatelessWorker]
public sealed class UserAdminGrain(UserAdministration admin, TimeProvider clock) : Grain, IUserAdminGrain
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync()
    {
        var now = clock.GetUtcNow();
        var rows = new List<UserSummary>();
        foreach (var user in await admin.Storage.Users.ListAsync().ConfigureAwait(true))
        {
            var sessions = await admin.Storage.Sessions.ListAsync(user.Id).ConfigureAwait(true);
            var keys = await admin.Storage.ApiKeys.ListAsync(user.Id).ConfigureAwait(true);
            rows.Add(new UserSummary(await AccountViews.ToViewAsync(admin.Users, admin.Storage.Users, user, now).ConfigureAwait(true), sessions.Count, keys.Count(k => k.IsLive(now))));
        }

        return rows;
    }

    public async Task<(AccountChange Change, string? OneTimePassword)> CreateAsync(string userName, string role, string? reason, string source)
    {
        try
        {
            var (_, password) = await admin.CreateAsync(userName, role, Who(reason, source)).ConfigureAwait(true);
            return (new AccountChange(true), password);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return (new AccountChange(false, e.Message), null);
        }
    }

    public Task<AccountChange> SetRoleAsync(string userName, string role, string? reason, string source) =>
        ChangeAsync(userName, user => admin.SetRoleAsync(user, role, Who(reason, source)));

    public Task<AccountChange> SetGrantsAsync(string userName, IReadOnlyList<string> strategies, string? reason, string source) =>
        ChangeAsync(userName, user => admin.SetGrantsAsync(user, strategies, Who(reason, source)));

    public Task<AccountChange> SetDisabledAsync(string userName, bool disabled, string? reason, string source) =>
        ChangeAsync(userName, user => admin.SetDisabledAsync(user, disabled, Who(reason, source)));

    public Task<AccountChange> ResetTwoFactorAsync(string userName, string? reason, string source) =>
        ChangeAsync(userName, user => admin.ResetTwoFactorAsync(user, Who(reason, source)));

    public async Task<(AccountChange Change, string? OneTimePassword)> ResetPasswordAsync(string userName, string? reason, string source)
    {
        string? password = null;
        var change = await ChangeAsync(userName, async user => password = await admin.ResetPasswordAsync(user, Who(reason, source)).ConfigureAwait(true)).ConfigureAwait(true);
        return (change, password);
    }

    private async Task<AccountChange> ChangeAsync(string userName, Func<ResearchUser, Task> change)
    {
        var user = await admin.Users.FindByNameAsync((userName ?? string.Empty).Trim()).ConfigureAwait(true);
        if (user is null)
        {
            return new AccountChange(false, $"There is no user '{userName}'.");
        }

        try
        {
            await change(user).ConfigureAwait(true);
            return new AccountChange(true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return new AccountChange(false, e.Message);
        }
    }

    private static AdminContext Who(string? reason, string source)
    {
        var caller = CallerIdentity.Current;
        return new AdminContext(caller?.Actor ?? "cluster", caller?.Origin ?? source, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
    }
}
