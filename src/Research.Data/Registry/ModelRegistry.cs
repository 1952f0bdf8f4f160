using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Research.Data.Warehouse;

namespace Research.Data.Registry;

/// <summary>
/// The model registry (ADR 0008, <c>docs/CONCEPTS/model-registry.md</c>): versioned model artifacts under
/// <c>&lt;data root&gt;/models/&lt;name&gt;/v&lt;N&gt;/</c>, each with a manifest (<see cref="ModelManifest"/>), and the
/// model's states in <c>models/&lt;name&gt;/registry.json</c> (production, staged, archived, the SHA-256 of every
/// manifest, the history). A version is staged when registered; promotion checks the version's integrity and the gates
/// (every check passed, each gated metric at least its minimum), makes it production and archives the one before;
/// rollback makes the previous production version production again. <see cref="LoadProductionAsync"/> is what consumers
/// call: it refuses a version whose manifest or any file differs from what was registered. Changes to one model are
/// serialised by a lock file; every file is replaced atomically.
/// </summary>
public sealed class ModelRegistry(string dataRoot, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private string Root => Path.Combine(dataRoot, "models");

    /// <summary>Registers a new version (staged) with the given files; returns its manifest.</summary>
    /// <param name="files">File name (no folders) and content.</param>
    public async Task<ModelManifest> RegisterAsync(string name, string kind, string description, IReadOnlyDictionary<string, byte[]> files,
        DateOnly? trainedFrom, DateOnly? trainedTo, IReadOnlyDictionary<string, string> dataVersions, IReadOnlyDictionary<string, double> metrics,
        IReadOnlyDictionary<string, bool> checks, string createdBy, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0 || files.Keys.Any(f => f.Length == 0 || f != Path.GetFileName(f) || f == "manifest.json"))
        {
            throw new ArgumentException("A model needs at least one file, each a plain file name other than manifest.json.", nameof(files));
        }

        using var _ = await LockAsync(name, cancellationToken).ConfigureAwait(false);
        var state = await ReadStateAsync(name, cancellationToken).ConfigureAwait(false) ?? new ModelRegistryState(name, null, [], [], new Dictionary<int, string>(), []);
        var version = state.ManifestSha256.Count == 0 ? 1 : state.ManifestSha256.Keys.Max() + 1;
        var folder = Path.Combine(Root, name, $"v{version}");
        var staging = folder + ".staging";
        foreach (var leftover in new[] { staging, folder }.Where(Directory.Exists))
        {
            // A registration that died before registry.json named its version: never visible, so never loaded.
            Directory.Delete(leftover, recursive: true);
        }

        Directory.CreateDirectory(staging);
        var listed = new List<ModelFile>();
        foreach (var (file, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            await File.WriteAllBytesAsync(Path.Combine(staging, file), content, cancellationToken).ConfigureAwait(false);
            listed.Add(new ModelFile(file, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length));
        }

        var manifest = new ModelManifest(1, name, version, kind, description, trainedFrom, trainedTo, dataVersions, metrics, checks, listed,
            CodeVersion(), createdBy, clock.GetUtcNow());
        var manifestText = JsonSerializer.Serialize(manifest, Json);
        await File.WriteAllTextAsync(Path.Combine(staging, "manifest.json"), manifestText, cancellationToken).ConfigureAwait(false);
        Directory.Move(staging, folder);
        DurableFile.SyncDirectory(Path.GetDirectoryName(folder)!);
        await WriteStateAsync(state with
        {
            Staged = [.. state.Staged, version],
            ManifestSha256 = new Dictionary<int, string>(state.ManifestSha256) { [version] = Sha(manifestText) },
            History = [.. state.History, new ModelRegistryEvent(clock.GetUtcNow(), createdBy, "register", version, state.Production, null)],
        }, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>Every model with its state.</summary>
    public async Task<IReadOnlyList<ModelRegistryState>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var states = new List<ModelRegistryState>();
        foreach (var folder in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            if (await ReadStateAsync(Path.GetFileName(folder), cancellationToken).ConfigureAwait(false) is { } state)
            {
                states.Add(state);
            }
        }

        return states;
    }

    /// <summary>A model's state, or null when no such model is registered.</summary>
    public Task<ModelRegistryState?> StateAsync(string name, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        return ReadStateAsync(name, cancellationToken);
    }

    /// <summary>A version's manifest and files, checked (throws <see cref="ModelIntegrityException"/> on any difference).</summary>
    public async Task<LoadedModel> LoadAsync(string name, int version, CancellationToken cancellationToken = default)
    {
        var state = await StateAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No model '{name}' is registered.");
        return await VerifiedAsync(state, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The production version, checked: what backtests and strategies load. Throws when there is none.</summary>
    public async Task<LoadedModel> LoadProductionAsync(string name, CancellationToken cancellationToken = default)
    {
        var state = await StateAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No model '{name}' is registered.");
        return state.Production is { } production
            ? await VerifiedAsync(state, production, cancellationToken).ConfigureAwait(false)
            : throw new InvalidOperationException($"Model '{name}' has no production version: promote one ('research models promote --name {name} --version N').");
    }

    /// <summary>Makes a version production after checking its integrity, that every check passed and every gate holds; the previous production version is archived.</summary>
    public async Task<ModelRegistryState> PromoteAsync(string name, int version, IReadOnlyList<PromotionGate> gates, string by, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gates);
        if (await StateAsync(name, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new KeyNotFoundException($"No model '{name}' is registered."); // checked before the lock, which would make its folder
        }

        using var _ = await LockAsync(name, cancellationToken).ConfigureAwait(false);
        var state = await ReadStateAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No model '{name}' is registered.");
        if (state.Production == version)
        {
            throw new InvalidOperationException($"{name} v{version} is already production.");
        }

        var manifest = (await VerifiedAsync(state, version, cancellationToken).ConfigureAwait(false)).Manifest;
        var failed = manifest.Checks.Where(c => !c.Value).Select(c => $"check '{c.Key}' did not pass")
            .Concat(gates.Select(g => manifest.Metrics.TryGetValue(g.Metric, out var value)
                ? value >= g.Minimum ? null : string.Create(CultureInfo.InvariantCulture, $"{g.Metric} = {value:G6} is below the gate's {g.Minimum:G6}")
                : $"the manifest has no metric '{g.Metric}' (it has {string.Join(", ", manifest.Metrics.Keys)})").OfType<string>())
            .ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"{name} v{version} cannot be promoted: {string.Join("; ", failed)}.");
        }

        var next = state with
        {
            Production = version,
            Staged = [.. state.Staged.Where(v => v != version)],
            Archived = [.. state.Archived.Where(v => v != version).Concat(state.Production is { } p ? [p] : []).Order()],
            History = [.. state.History, new ModelRegistryEvent(clock.GetUtcNow(), by, "promote", version, state.Production, reason)],
        };
        await WriteStateAsync(next, cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>Makes the version that was production before the current one production again (the current one is archived); repeated rollbacks walk further back, never forward.</summary>
    public async Task<ModelRegistryState> RollbackAsync(string name, string by, string? reason, CancellationToken cancellationToken = default)
    {
        if (await StateAsync(name, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new KeyNotFoundException($"No model '{name}' is registered."); // checked before the lock, which would make its folder
        }

        using var _ = await LockAsync(name, cancellationToken).ConfigureAwait(false);
        var state = await ReadStateAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No model '{name}' is registered.");
        var current = state.Production ?? throw new InvalidOperationException($"Model '{name}' has no production version to roll back.");
        // The production versions as a stack: a promotion pushes, a rollback pops; the target is the one under the top.
        var stack = new List<int>();
        foreach (var e in state.History)
        {
            if (e.Action == "promote")
            {
                stack.Add(e.Version);
            }
            else if (e.Action == "rollback" && stack.Count > 0)
            {
                stack.RemoveAt(stack.Count - 1);
            }
        }

        var previous = stack.Count >= 2 ? stack[^2] : throw new InvalidOperationException($"{name} v{current} has no earlier production version to roll back to.");
        await VerifiedAsync(state, previous, cancellationToken).ConfigureAwait(false);
        var next = state with
        {
            Production = previous,
            Archived = [.. state.Archived.Where(v => v != previous).Append(current).Order()],
            History = [.. state.History, new ModelRegistryEvent(clock.GetUtcNow(), by, "rollback", previous, current, reason)],
        };
        await WriteStateAsync(next, cancellationToken).ConfigureAwait(false);
        return next;
    }

    private async Task<LoadedModel> VerifiedAsync(ModelRegistryState state, int version, CancellationToken cancellationToken)
    {
        if (!state.ManifestSha256.TryGetValue(version, out var expected))
        {
            throw new KeyNotFoundException($"Model '{state.Name}' has no version {version} (versions: {string.Join(", ", state.ManifestSha256.Keys.Order())}).");
        }

        var folder = Path.Combine(Root, state.Name, $"v{version}");
        var manifestPath = Path.Combine(folder, "manifest.json");
        var where = $"models/{state.Name}/v{version}";
        if (!File.Exists(manifestPath))
        {
            throw new ModelIntegrityException($"{where}/manifest.json is missing; refusing to load {state.Name} v{version}.");
        }

        var text = await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        if (Sha(text) != expected)
        {
            throw new ModelIntegrityException($"{where}/manifest.json has SHA-256 {Sha(text)[..12]}..., not the {expected[..12]}... recorded at registration: it was changed afterwards; refusing to load {state.Name} v{version}.");
        }

        var manifest = JsonSerializer.Deserialize<ModelManifest>(text, Json) ?? throw new ModelIntegrityException($"{where}/manifest.json is empty.");
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(folder, file.Path);
            if (!File.Exists(path))
            {
                throw new ModelIntegrityException($"{where}/{file.Path} is missing; refusing to load {state.Name} v{version}.");
            }

            var actual = await DurableFile.Sha256Async(path, cancellationToken).ConfigureAwait(false);
            if (actual != file.Sha256)
            {
                throw new ModelIntegrityException($"{where}/{file.Path} has SHA-256 {actual[..12]}..., not the {file.Sha256[..12]}... in its manifest: the artifact was changed after registration; refusing to load {state.Name} v{version}.");
            }
        }

        return new LoadedModel(manifest, folder);
    }

    private async Task<ModelRegistryState?> ReadStateAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, name, "registry.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<ModelRegistryState>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), Json) : null;
    }

    private Task WriteStateAsync(ModelRegistryState state, CancellationToken cancellationToken) =>
        DurableFile.WriteAsync(Path.Combine(Root, state.Name, "registry.json"), JsonSerializer.Serialize(state, Json), cancellationToken);

    /// <summary>An exclusive lock on one model's folder, waited for up to 30 s.</summary>
    private async Task<FileStream> LockAsync(string name, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(Root, name));
        var path = Path.Combine(Root, name, ".lock");
        var deadline = clock.GetUtcNow().AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Why <paramref name="name"/> cannot name a model, or null when it can.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > 64 || !char.IsAsciiLetterLower(name[0]) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')
            ? $"model name '{name}' must be lower-case letters, digits, '_' or '-', starting with a letter (at most 64)."
            : null;

    private static void CheckName(string name)
    {
        if (NameProblem(name) is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string CodeVersion() =>
        typeof(ModelRegistry).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
}
