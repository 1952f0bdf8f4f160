using Research.Cli.Infrastructure;

namespace Research.Cli.Tests;

/// <summary>Runs the CLI in-process and captures its output.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliOutput(output, error, interactive: false), TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
