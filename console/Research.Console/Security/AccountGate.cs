namespace Research.Console.Security;

/// <summary>
/// Holds a signed-in user at the step their account needs before anything else: a new password after a one-time one,
/// then (operators and administrators) 2FA enrolment. Pages redirect to the step; API calls get 403 saying which step.
/// </summary>
public static class AccountGate
{
    public const string PasswordPath = "/account/password";
    public const string TwoFactorPath = "/account/2fa";

    private static readonly string[] AlwaysOpen = ["/signout", "/_framework/", "/_content/", "/_blazor", "/app.", "/favicon", "/health", "/ready", "/error"];

    /// <summary>
    /// A refusal raised while a page renders (the second, server-side check of <see cref="ConsoleActions"/>; already
    /// audited) becomes the "not allowed" page, or a 403 for the API, instead of a server error.
    /// </summary>
    public static IApplicationBuilder UseDeniedAsForbidden(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Research.Grains.Abstractions.Security.ActionDeniedException) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                }
                else
                {
                    context.Response.Redirect("/denied");
                }
            }
        });
    }

    public static IApplicationBuilder UseAccountGate(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            var user = context.User;
            if (user.Identity?.IsAuthenticated == true)
            {
                var step = user.HasClaim(c => c.Type == ConsoleClaims.MustChangePassword) ? PasswordPath
                    : user.HasClaim(c => c.Type == ConsoleClaims.NeedsTwoFactor) ? TwoFactorPath
                    : null;
                var path = context.Request.Path.Value ?? "/";
                if (step is not null && !path.StartsWith(step, StringComparison.OrdinalIgnoreCase) && !AlwaysOpen.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                {
                    if (path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
                    {
                        context.Response.StatusCode = StatusCodes.Status403Forbidden;
                        await context.Response.WriteAsJsonAsync(new { error = step == PasswordPath ? "change your one-time password in the console first" : "enrol a TOTP authenticator in the console first" }).ConfigureAwait(false);
                        return;
                    }

                    context.Response.Redirect(step);
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        });
    }
}
