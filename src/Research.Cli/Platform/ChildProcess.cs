using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Research.Cli.Platform;

/// <summary>A platform process started by <c>research up</c>, with its output captured to a log file.</summary>
public sealed partial class ChildProcess : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(string name, Process process, StreamWriter log, string logFile)
    {
        Name = name;
        _process = process;
        _log = log;
        LogFile = logFile;
    }

    public string Name { get; }

    public string LogFile { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Starts <c>dotnet &lt;assembly&gt; args</c> with extra environment variables.</summary>
    public static ChildProcess Start(string name, string assembly, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                log.WriteLine(line);
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(name, process, log, logFile);
    }

    /// <summary>Asks the process to shut down (SIGTERM), waits, then kills it and its children if it is still there.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            _ = Kill(_process.Id, SigTerm);
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The last lines of the process's log, for error messages.</summary>
    public string Tail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        _log.Dispose();
    }

    /// <summary>True when a process with this id exists.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
