namespace Research.Platform.Storage.Security;

/// <summary>A console user as ASP.NET Core Identity sees it, stored by <see cref="UserStore"/>.</summary>
public sealed class ResearchUser
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");

    public string UserName { get; set; } = string.Empty;

    public string NormalizedUserName { get; set; } = string.Empty;

    public string? PasswordHash { get; set; }

    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");

    public string ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString("N");

    public DateTimeOffset? LockoutEnd { get; set; }

    public bool LockoutEnabled { get; set; } = true;

    public int AccessFailedCount { get; set; }

    public bool TwoFactorEnabled { get; set; }

    /// <summary>The TOTP shared secret (base32), or null before enrolment.</summary>
    public string? AuthenticatorKey { get; set; }

    /// <summary>SHA-256 of each unused recovery code.</summary>
    public List<string> RecoveryCodeHashes { get; set; } = [];

    /// <summary>A disabled user cannot sign in (kept for the audit trail instead of being deleted).</summary>
    public bool Disabled { get; set; }

    /// <summary>Set for a one-time password (a new admin, a reset): the next sign-in must choose a new one.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
