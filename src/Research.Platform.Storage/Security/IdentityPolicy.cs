using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Research.Platform.Storage.Security;

/// <summary>
/// The platform's sign-in rules, applied wherever Identity is configured (console, CLI, tests): passwords of at least 12
/// characters with no composition rules (NIST SP 800-63B: length over character classes), lockout for 15 minutes after
/// 5 consecutive failures, unique user names, and the authenticator (TOTP) token provider for 2FA.
/// </summary>
public static class IdentityPolicy
{
    public const int MinimumPasswordLength = 12;
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>Identity's user manager over <paramref name="store"/> with these rules and the authenticator provider: what the console, the CLI and the tests register.</summary>
    public static IServiceCollection AddResearchIdentity(this IServiceCollection services, UserStore store)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(store);
        services.AddIdentityCore<ResearchUser>(Apply)
            .AddTokenProvider<OneTimeAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        return services.AddSingleton(store).AddSingleton<IUserStore<ResearchUser>>(store);
    }

    /// <summary>All of the security storage: Identity over its user store, the storage itself, and the administration service.</summary>
    public static IServiceCollection AddResearchSecurity(this IServiceCollection services, SecurityStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        services.AddResearchIdentity(storage.Users);
        services.AddSingleton(storage).AddSingleton(storage.Sessions).AddSingleton(storage.ApiKeys).AddSingleton(storage.Audit);
        services.AddScoped(sp => new UserAdministration(sp.GetRequiredService<UserManager<ResearchUser>>(), storage, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }

    public static void Apply(IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Password.RequiredLength = MinimumPasswordLength;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 4;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = MaxFailedAttempts;
        options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
        options.User.RequireUniqueEmail = false;
        options.Tokens.AuthenticatorTokenProvider = TokenOptions.DefaultAuthenticatorProvider;
    }
}
