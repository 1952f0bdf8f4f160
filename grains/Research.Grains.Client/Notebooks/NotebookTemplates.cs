namespace Research.Grains.Client.Notebooks;

/// <summary>
/// The template notebooks shipped with the platform (returns and factors, a backtest's results, a signal's IC) and the
/// helper module they import (<c>research_notebook.py</c>), embedded in this assembly.
/// </summary>
public static class NotebookTemplates
{
    public const string HelperFile = "research_notebook.py";

    private const string Prefix = "Research.Grains.Client.Notebooks.Templates.";

    /// <summary>The templates' file names.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. typeof(NotebookTemplates).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".ipynb", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..]).Order(StringComparer.Ordinal)];

    /// <summary>The helper module's source.</summary>
    public static string Helper() => Read(HelperFile);

    /// <summary>A template's JSON.</summary>
    public static string Read(string name)
    {
        using var stream = typeof(NotebookTemplates).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new ArgumentException($"'{name}' is not a template notebook.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Copies each template into <paramref name="folder"/> unless a file of that name is there (a user's edits are kept).</summary>
    public static void CopyInto(string folder)
    {
        foreach (var name in Names)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                File.WriteAllText(path, Read(name));
            }
        }
    }
}
