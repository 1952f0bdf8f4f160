using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Analytics.Factors;
using Research.Data.Registry;
using Research.Data.Warehouse;

namespace Research.Backtesting.Strategies;

/// <summary>
/// A signal model from the registry as the input of a backtest (the <c>alpha</c> strategy), and later of a strategy grain:
/// 1. <see cref="Pin"/>: at submission, the model's production version and its manifest's SHA-256 (registry.json's record)
///    become a pin, <c>model:NAME = vN sha256:…</c>, kept with the data versions, so the job id changes when production
///    changes and a rerun or resumed job loads exactly that version.
/// 2. <see cref="Load"/>: the pinned version, checked by the registry (every file against its manifest, the manifest against
///    registry.json) and against the pin; the signal definition is parsed from the very bytes that were hashed.
/// 3. <see cref="Exposures"/>: the definition computed point in time at the panel's month ends (data up to each close),
///    z-scored across the assets that have a score (equal weights), as one exposure the factor strategies trade on.
/// </summary>
public static class SignalModels
{
    /// <summary>The kind <c>research models register</c> gives a signal.</summary>
    public const string Kind = "signal-model";

    /// <summary>The definition's file in a version folder.</summary>
    public const string DefinitionFile = "signal.json";

    private const string Prefix = "model:";

    /// <summary>The key a model's pin is kept under with the data versions.</summary>
    public static string PinKey(string model) => Prefix + model;

    /// <summary>Whether a versions key is a model pin rather than a dataset.</summary>
    public static bool IsPin(string key) => key.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The production version of <paramref name="model"/> as a pin, with its definition (loaded and checked once);
    /// fails naming what is wrong (no such model, none in production, not a signal, a changed file).
    /// </summary>
    public static (string Pin, SignalDefinition Definition) Pin(string dataRoot, string model, CancellationToken cancellationToken = default)
    {
        var state = new ModelRegistry(dataRoot, TimeProvider.System).StateAsync(model, cancellationToken).GetAwaiter().GetResult()
            ?? throw new ArgumentException($"model: no model '{model}' is registered under {Path.Combine(dataRoot, "models")} ('research models list' shows them).");
        var version = state.Production
            ?? throw new ArgumentException($"model: '{model}' has no production version; promote one first ('research models promote --name {model} --version N').");
        var pin = string.Create(CultureInfo.InvariantCulture, $"v{version} sha256:{state.ManifestSha256[version]}");
        return (pin, Load(dataRoot, model, pin, cancellationToken).Definition);
    }

    /// <summary>The signal definition of a pinned version, checked; <see cref="ModelIntegrityException"/> when anything differs from what was registered or pinned.</summary>
    public static (SignalDefinition Definition, ModelManifest Manifest) Load(string dataRoot, string model, string pin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pin);
        var parts = pin.Split(' ');
        if (parts.Length != 2 || parts[0] is not ['v', .. var digits] || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || !parts[1].StartsWith("sha256:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"model pin '{pin}' of '{model}' is not 'vN sha256:HEX'.");
        }

        var registry = new ModelRegistry(dataRoot, TimeProvider.System);
        var state = registry.StateAsync(model, cancellationToken).GetAwaiter().GetResult()
            ?? throw new ModelIntegrityException($"Model '{model}' pinned at {pin} is no longer registered under {Path.Combine(dataRoot, "models")}.");
        if (!state.ManifestSha256.TryGetValue(version, out var recorded) || !string.Equals("sha256:" + recorded, parts[1], StringComparison.Ordinal))
        {
            throw new ModelIntegrityException($"Model '{model}' v{version}: the registry records manifest {(recorded is null ? "(none)" : "sha256:" + recorded)}, the job was pinned to {parts[1]}; the registry was changed after the job was submitted.");
        }

        var loaded = registry.LoadAsync(model, version, cancellationToken).GetAwaiter().GetResult();
        if (loaded.Manifest.Kind != Kind)
        {
            throw new ArgumentException($"model: '{model}' v{version} is a {loaded.Manifest.Kind}, not a {Kind}.");
        }

        var file = loaded.Manifest.Files.SingleOrDefault(f => f.Path == DefinitionFile)
            ?? throw new ArgumentException($"Model '{model}' v{version} has no {DefinitionFile}: it is not a signal model.");
        var bytes = File.ReadAllBytes(loaded.PathOf(DefinitionFile));
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != file.Sha256)
        {
            throw new ModelIntegrityException($"Model '{model}' v{version}: {DefinitionFile} changed while it was being loaded (its SHA-256 no longer matches the manifest).");
        }

        return (SignalDefinition.Parse(Encoding.UTF8.GetString(bytes), $"model {model} v{version}"), loaded.Manifest);
    }

    /// <summary>The definition's scores at the panel's month ends as one standardised exposure named <paramref name="factor"/>.</summary>
    public static FactorExposures Exposures(WarehouseQuerySession session, EquityPanel panel, SignalDefinition definition, string factor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(definition);
        var missing = definition.Datasets().Where(d => !session.Pinned.ContainsKey(d)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Signal '{definition.Name}' reads {string.Join(", ", missing)}, which the backtest did not pin (not in the warehouse?).");
        }

        var external = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (definition.Terms.Any(t => t.Descriptor == SignalDescriptors.PlantedAlpha))
        {
            external[SignalDescriptors.PlantedAlpha] = SignalPanel.FromRows(panel.Axes, SignalPanel.PlantedAlpha(session, panel.Dates[0], panel.Dates[^1])).Values;
        }

        var context = new DescriptorContext(panel);
        var sessions = panel.MonthEnds();
        var build = SignalBuilder.Build(context, definition, sessions, external, maxDropShare: 1.0, cancellationToken);
        var n = panel.Assets;
        var snapshots = new List<ExposureSnapshot>(sessions.Length);
        foreach (var t in sessions)
        {
            var assets = Enumerable.Range(0, n).Where(i => double.IsFinite(build.Values[(t * n) + i])).ToArray();
            var traded = Enumerable.Range(0, n).Count(i => double.IsFinite(panel.Returns[(t * n) + i]));
            var values = assets.Select(i => build.Values[(t * n) + i]).ToArray();
            Standardise(values);
            var size = assets.Select(i => panel.HasMarketCap ? panel.MarketCap[(t * n) + i] : panel.DollarVolume[(t * n) + i]).ToArray();
            snapshots.Add(new ExposureSnapshot(panel.Dates[t], t, assets, [.. assets.Select(i => context.IndustryOn(t, i))], size, values,
                [traded == 0 ? 0 : (double)assets.Length / traded]));
        }

        return new FactorExposures([factor], snapshots);
    }

    /// <summary>(x - mean) / sd across the date's assets; a constant cross-section becomes zeros.</summary>
    private static void Standardise(double[] values)
    {
        if (values.Length == 0)
        {
            return;
        }

        var mean = values.Average();
        var variance = values.Length > 1 ? values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) : 0;
        var sd = Math.Sqrt(variance);
        for (var k = 0; k < values.Length; k++)
        {
            values[k] = sd > 0 ? (values[k] - mean) / sd : 0;
        }
    }
}
