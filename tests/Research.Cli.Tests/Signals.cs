using System.Runtime.InteropServices;

namespace Research.Cli.Tests;

/// <summary>POSIX signals for process tests (what Ctrl-C sends).</summary>
internal static partial class Signals
{
    public const int SigInt = 2;

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
