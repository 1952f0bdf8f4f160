using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Research.Platform.Storage.Audit;

/// <summary>
/// What makes the audit log tamper-evident to someone with database access, kept outside the database:
/// 1. A 256-bit MAC key in <see cref="KeyFile"/> (created on first use with mode 0600; in production mount it from a
///    secret). Every row's MAC is HMAC-SHA256 under this key, so rows cannot be rewritten, forged or re-chained
///    without it.
/// 2. Anchors in <see cref="AnchorFile"/> (append-only JSON lines, each signed with the key): after every append the
///    row's sequence and MAC. The newest anchor says how long the chain was, so cutting rows off the end, deleting
///    every row or restoring an older copy of the table is detected too.
/// 3. A seal (the first anchor line) records the head of rows written before the log was keyed (plain SHA-256
///    chain, from earlier releases): those rows verify by their old chain and the seal pins its head.
/// </summary>
public sealed class AuditIntegrity
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private byte[]? _key;

    public AuditIntegrity(string keyFile, string anchorFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyFile);
        ArgumentException.ThrowIfNullOrWhiteSpace(anchorFile);
        KeyFile = Path.GetFullPath(keyFile);
        AnchorFile = Path.GetFullPath(anchorFile);
    }

    /// <summary>The MAC key file.</summary>
    public string KeyFile { get; }

    /// <summary>The signed anchors file.</summary>
    public string AnchorFile { get; }

    /// <summary>The default places under a data root: <c>.research/audit.key</c> and <c>.research/audit-anchors.jsonl</c>.</summary>
    public static AuditIntegrity Under(string dataRoot, string? keyFile = null) =>
        new(keyFile is { Length: > 0 } ? keyFile : Path.Combine(dataRoot, ".research", "audit.key"), Path.Combine(dataRoot, ".research", "audit-anchors.jsonl"));

    /// <summary>The key, or null when the key file does not exist yet.</summary>
    public byte[]? TryReadKey()
    {
        if (_key is not null)
        {
            return _key;
        }

        if (!File.Exists(KeyFile))
        {
            return null;
        }

        var text = File.ReadAllText(KeyFile).Trim();
        byte[] key;
        try
        {
            key = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"The audit key file {KeyFile} is not 64 hex digits.");
        }

        if (key.Length != 32)
        {
            throw new InvalidDataException($"The audit key file {KeyFile} holds {key.Length} bytes; it must hold 32 (64 hex digits).");
        }

        return _key = key;
    }

    /// <summary>Creates the key file (exclusive create, mode 0600); when another process created it first, reads theirs.</summary>
    public byte[] CreateKey()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(KeyFile, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(key) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            return _key = key;
        }
        catch (IOException) when (File.Exists(KeyFile))
        {
            return TryReadKey()!;
        }
    }

    /// <summary>Appends a signed anchor (one line, one write, fsynced).</summary>
    public void Append(byte[] key, string kind, long sequence, string hash, DateTimeOffset at)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(AnchorFile)!);
        var anchor = new AuditAnchor(kind, sequence, hash, at, Sign(key, kind, sequence, hash));
        var line = JsonSerializer.SerializeToUtf8Bytes(anchor, JsonOptions);
        using var stream = new FileStream(AnchorFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
        stream.Write([.. line, (byte)'\n']);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Every anchor in file order; a line that does not parse or whose signature is wrong is reported by line number.</summary>
    public (IReadOnlyList<AuditAnchor> Anchors, string? Problem) Read(byte[] key)
    {
        if (!File.Exists(AnchorFile))
        {
            return ([], null);
        }

        var anchors = new List<AuditAnchor>();
        var number = 0;
        var lines = File.ReadAllLines(AnchorFile);
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            AuditAnchor? anchor;
            try
            {
                anchor = JsonSerializer.Deserialize<AuditAnchor>(line, JsonOptions);
            }
            catch (JsonException)
            {
                anchor = null;
            }

            if (anchor is null || anchor.Kind is null || anchor.Hash is null || anchor.Signature is null)
            {
                if (number == lines.Length)
                {
                    continue; // torn last line: its writer died while appending; the row it anchored is simply unanchored
                }

                return (anchors, $"anchor file {AnchorFile} line {number} is not an anchor.");
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(anchor.Signature), Encoding.ASCII.GetBytes(Sign(key, anchor.Kind, anchor.Sequence, anchor.Hash))))
            {
                return (anchors, $"anchor file {AnchorFile} line {number} (row {anchor.Sequence}) has a wrong signature: it was changed or written without the key.");
            }

            anchors.Add(anchor);
        }

        return (anchors, null);
    }

    private static string Sign(byte[] key, string kind, long sequence, string hash) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"research.audit.anchor.v1\n{kind}\n{sequence.ToString(CultureInfo.InvariantCulture)}\n{hash}")));
}

/// <summary>One signed anchor: <c>row</c> (a row's sequence and MAC after it was appended) or <c>seal</c> (the head of the unkeyed rows).</summary>
public sealed record AuditAnchor(string Kind, long Sequence, string Hash, DateTimeOffset At, string Signature);
