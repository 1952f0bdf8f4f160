using Research.Cli.Infrastructure;

namespace Research.Cli.Platform;

/// <summary>Finds the built silo and console next to the repository the CLI runs from.</summary>
public sealed class PlatformLocator
{
    /// <summary>Build configuration of this CLI; the silo and console are looked up in the same one.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private PlatformLocator(string repositoryRoot)
    {
        RepositoryRoot = repositoryRoot;
    }

    public string RepositoryRoot { get; }

    public string SiloProject => Path.Combine(RepositoryRoot, "silo", "Research.Silo", "Research.Silo.csproj");

    public string ConsoleProject => Path.Combine(RepositoryRoot, "console", "Research.Console", "Research.Console.csproj");

    public string SiloAssembly => Path.Combine(RepositoryRoot, "silo", "Research.Silo", "bin", Configuration, "net10.0", "Research.Silo.dll");

    public string ConsoleAssembly => Path.Combine(RepositoryRoot, "console", "Research.Console", "bin", Configuration, "net10.0", "Research.Console.dll");

    /// <summary>Locates the repository above the CLI's own folder (or the working directory).</summary>
    public static PlatformLocator Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Research.sln")))
                {
                    return new PlatformLocator(dir.FullName);
                }
            }
        }

        throw new CliException("Cannot find the repository (Research.sln) above the CLI or the working directory: run 'research up' from a clone.");
    }
}
