using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Research.Platform.Storage.Security;

/// <summary>
/// Authenticator (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) codes that work once. A code matches if it is the
/// code of a step within two of now (a phone's clock drifts), and is accepted only if that step is later than the last
/// step accepted for the user, recorded atomically in the store: the code that signed someone in cannot sign in again
/// or authorise a step-up, nor can any earlier code. Used for sign-in, step-up, enrolment and recovery-code renewal.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider(UserStore store, TimeProvider? clock = null) : IUserTwoFactorTokenProvider<ResearchUser>
{
    private const int Window = 2;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ResearchUser> manager, ResearchUser user) =>
        Task.FromResult(!string.IsNullOrEmpty(user?.AuthenticatorKey));

    /// <summary>Codes come from the user's authenticator app, not from the server.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<ResearchUser> manager, ResearchUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ResearchUser> manager, ResearchUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var key = await manager.GetAuthenticatorKeyAsync(user).ConfigureAwait(false);
        if (string.IsNullOrEmpty(key) || token is not { Length: 6 } || !token.All(char.IsAsciiDigit))
        {
            return false;
        }

        var secret = Base32(key);
        var now = _clock.GetUtcNow().ToUnixTimeSeconds() / 30;
        for (var step = now - Window; step <= now + Window; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Code(secret, step)), System.Text.Encoding.ASCII.GetBytes(token)))
            {
                return await store.TryUseTotpStepAsync(user.Id, step, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return false;
    }

    /// <summary>The 6-digit code of time step <paramref name="step"/> (RFC 4226 dynamic truncation).</summary>
    public static string Code(byte[] secret, long step)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238 as authenticator apps compute it is HMAC-SHA1.
        var hash = HMACSHA1.HashData(secret, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32 (the authenticator key as stored and shown), spaces and padding ignored.</summary>
    public static byte[] Base32(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.Replace(" ", string.Empty, StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant())
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not a base32 character.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }
}
