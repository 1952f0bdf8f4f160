using Research.Console;

await ConsoleHost.Build(args).RunAsync();

/// <summary>The console's entry point (see <see cref="ConsoleHost"/>).</summary>
public partial class Program;
