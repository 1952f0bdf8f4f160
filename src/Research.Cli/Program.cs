using System.Runtime.InteropServices;
using Research.Cli;
using Research.Cli.Infrastructure;

// Ctrl-C and SIGTERM cancel the command. The cancellation runs on the thread pool, not inside the signal handler:
// cancelling runs the awaiting code's continuations inline (for 'research up', the whole stop of its children), and
// that must not happen on the handler's thread, which the runtime tears down when the registration is disposed.
using var cancel = new CancellationTokenSource();
void Stop()
{
    ThreadPool.QueueUserWorkItem(_ =>
    {
        try
        {
            cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the command has already finished
        }
        catch (AggregateException e)
        {
            Console.Error.WriteLine($"error while stopping: {e.InnerException?.Message}");
        }
    });
}

Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    Stop();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    Stop();
});

return await CliApp.RunAsync(args, CliOutput.ForProcess(), cancel.Token).ConfigureAwait(false);
