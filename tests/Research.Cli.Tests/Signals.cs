using System.Runtime.InteropServices;

namespace Research.Cli.Tests;

/// <summary>POSIX signals for process tests (what Ctrl-C sends).</summary>
internal static partial class Signals
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    /// <summary>
    /// Whether <paramref name="pid"/> ignores SIGINT: a shell starts background jobs (without job control) that way and
    /// children inherit it, so Ctrl-C cannot reach them; the runtime keeps it ignored, as shells expect.
    /// </summary>
    public static bool IgnoresInterrupt(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
    }

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
