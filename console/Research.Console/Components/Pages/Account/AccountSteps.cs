using Microsoft.AspNetCore.Authentication;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Components.Pages.Account;

/// <summary>
/// Re-issues the current session's ticket from the account as the silo has it now (after a password change or 2FA
/// enrolment): the same server-side session, with fresh claims (the cookie handler renews a session it already has).
/// </summary>
public static class AccountSteps
{
    public static async Task RefreshSignInAsync(HttpContext context, IClusterClient cluster, string userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var account = await cluster.GetGrain<IAccountGrain>(0).GetAsync(userId).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the account no longer exists");
        await context.SignInAsync(ConsoleClaims.CookieScheme, ConsoleClaims.Principal(account, ConsoleClaims.CookieScheme)).ConfigureAwait(false);
    }
}
