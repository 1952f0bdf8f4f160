using Microsoft.AspNetCore.DataProtection;

namespace Research.Console.Security;

/// <summary>
/// Between the password step and the second factor the browser holds only a short-lived, encrypted and signed cookie
/// naming the user (five minutes; HttpOnly, SameSite=Strict). Without it the second-factor page sends the user back
/// to the password step.
/// </summary>
public sealed class PendingSignIn(IDataProtectionProvider protection)
{
    public const string CookieName = "research.pending";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Research.Console.PendingSignIn").ToTimeLimitedDataProtector();

    public void Begin(HttpContext context, string userId, string? returnUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        var payload = _protector.Protect(userId + "\n" + (returnUrl ?? string.Empty), Lifetime);
        context.Response.Cookies.Append(CookieName, payload, Options(context));
    }

    /// <summary>The user id and return URL of a pending sign-in, or null when there is none (or it expired or was tampered with).</summary>
    public (string UserId, string? ReturnUrl)? Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Cookies.TryGetValue(CookieName, out var payload) || string.IsNullOrEmpty(payload))
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(payload).Split('\n', 2);
            return (parts[0], parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public void End(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(CookieName, Options(context));
    }

    private static CookieOptions Options(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/signin",
        MaxAge = Lifetime,
        IsEssential = true,
    };

    /// <summary>Only same-site paths are followed after sign-in (no open redirect).</summary>
    public static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) && !url.Contains("://", StringComparison.Ordinal)
            ? url
            : "/";
}
