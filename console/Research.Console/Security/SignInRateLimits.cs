using System.Globalization;
using System.Threading.RateLimiting;

namespace Research.Console.Security;

/// <summary>
/// Rate limits on the endpoints an attacker would hammer: sign-in and its second step, password change, API writes.
/// Fixed one-minute windows per client address (sign-in: <c>Research:Console:SignInsPerMinute</c>, default 30; other
/// sensitive writes: 120). Lockout after five wrong passwords protects each account; this protects the server and
/// slows spraying one password over many accounts. Over the limit: 429 with Retry-After.
/// </summary>
public static class SignInRateLimits
{
    public static IServiceCollection AddConsoleRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var signIns = int.TryParse(configuration[Research.Grains.Client.ConfigurationKeys.SignInsPerMinute], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 30;
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                var path = context.Request.Path.Value ?? string.Empty;
                var remote = ConsoleClaims.Remote(context);
                if (path.StartsWith("/signin", StringComparison.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetFixedWindowLimiter("signin|" + remote, _ => Window(signIns));
                }

                return path.StartsWith("/account", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/admin", StringComparison.OrdinalIgnoreCase)
                    ? RateLimitPartition.GetFixedWindowLimiter("write|" + remote, _ => Window(120))
                    : RateLimitPartition.GetNoLimiter(string.Empty);
            });
        });
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };
}
