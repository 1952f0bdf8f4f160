using System.Globalization;
using System.Security.Cryptography;

namespace Research.Testing;

/// <summary>RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) from a base32 key, computed as an authenticator app does: written independently of Identity's implementation, so tests check one against the other.</summary>
public static class Totp
{
    public static string Code(string base32, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(base32);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var key = new List<byte>();
        foreach (var c in base32.Replace(" ", string.Empty, StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant())
        {
            value = (value << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                key.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }

        var counter = BitConverter.GetBytes(at.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }

#pragma warning disable CA5350 // RFC 6238 TOTP as authenticator apps compute it is HMAC-SHA1; this reproduces the user's phone.
        var hash = HMACSHA1.HashData(key.ToArray(), counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>A code that is certainly not valid now (not the current, previous or next step's).</summary>
    public static string Wrong(string base32, DateTimeOffset at)
    {
        var valid = new[] { -30, 0, 30 }.Select(s => Code(base32, at.AddSeconds(s))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => i.ToString("D6", CultureInfo.InvariantCulture)).First(c => !valid.Contains(c));
    }
}
