using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>The example trading service (<c>src/Research.TradingService</c>) as a child process, its JSON lines read as they come.</summary>
internal sealed class TradingServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    private readonly Task _reader;
    private readonly Task<string> _stderr;

    private TradingServiceProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith('{'))
                {
                    _lines.Writer.TryWrite(JsonDocument.Parse(line).RootElement.Clone());
                }
            }

            _lines.Writer.TryComplete();
        });
    }

    public static async Task<TradingServiceProcess> StartAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "src", "Research.TradingService", "bin", configuration, "net10.0", "Research.TradingService.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var service = new TradingServiceProcess(Process.Start(info)!);
        await service.NextAsync("ready", cancellationToken).ConfigureAwait(false);
        return service;
    }

    /// <summary>The next line whose event is <paramref name="kind"/> (others are skipped); fails after two minutes, showing stderr.</summary>
    public async Task<JsonElement> NextAsync(string kind, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(wait.Token).ConfigureAwait(false))
            {
                if (line.GetProperty("event").GetString() == kind)
                {
                    return line;
                }
            }

            throw new ChannelClosedException("the service's output ended");
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException && !cancellationToken.IsCancellationRequested)
        {
            var stderr = _process.HasExited ? await _stderr.ConfigureAwait(false) : "(still running)";
            throw new InvalidOperationException($"the trading service printed no '{kind}' line; stderr: {stderr}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        _process.Dispose();
    }
}
