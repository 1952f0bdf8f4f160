using System.Diagnostics;

namespace Research.Core.Diagnostics;

/// <summary>
/// Named moments in a multi-step write (publishing a dataset version, for example) where the crash tests kill the
/// process. A process started with <c>RESEARCH_CRASH_AT=&lt;name&gt;</c> sends itself SIGKILL when it reaches that
/// point: no <c>finally</c> block, no disposal, no flush runs, exactly as when the machine loses power or an
/// operator kills the process. Without the variable a crash point costs one cached string comparison.
/// </summary>
public static class CrashPoint
{
    /// <summary>The environment variable naming the point to crash at.</summary>
    public const string Variable = "RESEARCH_CRASH_AT";

    private static readonly string? Target = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Kills the process here when <see cref="Variable"/> names <paramref name="name"/>.</summary>
    public static void Reach(string name)
    {
        if (Target is not null && string.Equals(Target, name, StringComparison.Ordinal))
        {
            using var self = Process.GetCurrentProcess();
            self.Kill(); // SIGKILL on Unix, TerminateProcess on Windows: does not return in practice
            Environment.FailFast($"crash point {name}"); // and if it did, nothing after this point runs either

        }
    }
}
