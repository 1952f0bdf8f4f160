using System.Xml.Linq;

namespace Research.Architecture.Tests;

/// <summary>The solution's projects and their references, read from the .csproj files (project references are data).</summary>
internal sealed class ProjectGraph
{
    private ProjectGraph(string root, Dictionary<string, ProjectNode> nodes)
    {
        Root = root;
        Nodes = nodes;
    }

    public string Root { get; }

    /// <summary>Projects by name (file name without extension).</summary>
    public Dictionary<string, ProjectNode> Nodes { get; }

    public static ProjectGraph Load(string root)
    {
        var nodes = new Dictionary<string, ProjectNode>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Split('/').Any(p => p is "bin" or "obj" || p.StartsWith('.')))
            {
                continue;
            }

            var xml = XDocument.Load(file);
            var projectRefs = xml.Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? string.Empty).Replace('\\', '/')))
                .ToList();
            var packages = xml.Descendants("PackageReference")
                .Select(e => (Name: (string?)e.Attribute("Include") ?? string.Empty, Version: (string?)e.Attribute("Version")))
                .ToList();
            var name = Path.GetFileNameWithoutExtension(file);
            nodes[name] = new ProjectNode(name, relative, relative.Split('/')[0], projectRefs, packages.Select(p => p.Name).ToList(), packages.Where(p => p.Version is not null).Select(p => p.Name).ToList());
        }

        return new ProjectGraph(root, nodes);
    }

    /// <summary>All projects reachable from <paramref name="name"/> through project references (excluding itself).</summary>
    public IReadOnlySet<string> Closure(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(Nodes[name].ProjectReferences);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (seen.Add(next) && Nodes.TryGetValue(next, out var node))
            {
                foreach (var r in node.ProjectReferences)
                {
                    stack.Push(r);
                }
            }
        }

        return seen;
    }

    /// <summary>Packages referenced by the project or anything it references.</summary>
    public IEnumerable<(string Project, string Package)> PackagesInClosure(string name) =>
        Closure(name).Append(name).Where(Nodes.ContainsKey).SelectMany(p => Nodes[p].Packages.Select(pkg => (p, pkg)));
}

/// <summary>One project: where it lives (top-level folder) and what it references.</summary>
internal sealed record ProjectNode(
    string Name,
    string RelativePath,
    string Folder,
    IReadOnlyList<string> ProjectReferences,
    IReadOnlyList<string> Packages,
    IReadOnlyList<string> PackagesWithInlineVersion);
