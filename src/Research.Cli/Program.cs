using System.Runtime.InteropServices;
using Research.Cli;
using Research.Cli.Infrastructure;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

return await CliApp.RunAsync(args, CliOutput.ForProcess(), cancel.Token).ConfigureAwait(false);
