using System.Security.Claims;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Security;

/// <summary>The claims the console puts on a signed-in user (built from the silo's <see cref="AccountView"/>), and helpers to read them.</summary>
public static class ConsoleClaims
{
    public const string CookieScheme = "research.cookie";
    public const string RoleClaim = "research.role";
    public const string Grant = "research.grant";
    public const string Session = "research.session";
    public const string MustChangePassword = "research.must_change_password";
    public const string NeedsTwoFactor = "research.needs_2fa";
    public const string TwoFactor = "research.2fa";
    public const string ApiKey = "research.apikey";
    public const string Scope = "research.scope";

    /// <summary>
    /// A principal for <paramref name="account"/> authenticated by <paramref name="scheme"/>; with
    /// <paramref name="pendingSteps"/>, the account steps still to do (new password, 2FA enrolment) as claims.
    /// </summary>
    public static ClaimsPrincipal Principal(AccountView account, string scheme, bool pendingSteps = true)
    {
        ArgumentNullException.ThrowIfNull(account);
        var identity = new ClaimsIdentity(scheme, ClaimTypes.Name, RoleClaim);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, account.UserId));
        identity.AddClaim(new Claim(ClaimTypes.Name, account.UserName));
        identity.AddClaim(new Claim(RoleClaim, ResearchActions.RoleName(account.Role)));
        foreach (var grant in account.Grants)
        {
            identity.AddClaim(new Claim(Grant, grant));
        }

        if (account.MustChangePassword && pendingSteps)
        {
            identity.AddClaim(new Claim(MustChangePassword, "1"));
        }

        if (account.TwoFactorEnabled)
        {
            identity.AddClaim(new Claim(TwoFactor, "1"));
        }
        else if (account.Role >= Role.Operator && pendingSteps)
        {
            // Operators and administrators take destructive actions, which need a TOTP code: they enrol first.
            identity.AddClaim(new Claim(NeedsTwoFactor, "1"));
        }

        return new ClaimsPrincipal(identity);
    }

    public static Role RoleOf(ClaimsPrincipal user) =>
        user?.Identity?.IsAuthenticated == true ? ResearchActions.ParseRole(user.FindFirstValue(RoleClaim)) : Role.None;

    public static IReadOnlyList<string> GrantsOf(ClaimsPrincipal user) => [.. user.FindAll(Grant).Select(c => c.Value)];

    public static string? UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static bool Allows(ClaimsPrincipal user, string action, string? strategy = null) =>
        ResearchActions.Allows(RoleOf(user), action, GrantsOf(user), strategy) && (user.FindFirstValue(ApiKey) is null || user.HasClaim(Scope, action));

    /// <summary>The client address as seen by the server (behind a proxy: configure forwarded headers first).</summary>
    public static string Remote(HttpContext? context) => context?.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The caller identity the silo sees for this user.</summary>
    public static CallerIdentity Caller(ClaimsPrincipal user, string source) => new(user.Identity?.Name ?? "anonymous", RoleOf(user), source);
}
