using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Research.Analytics.Alpha.Signals;

/// <summary>One term of a signal: a descriptor, transformed cross-sectionally in order, times a weight.</summary>
public sealed record SignalTerm(string Descriptor, double Weight, IReadOnlyList<SignalTransform> Transforms);

/// <summary>
/// A named, versioned signal: formula and parameters as data. The score of asset i on date t is
/// <c>post(Σ_k weight_k · transforms_k(descriptor_k))</c> over the universe on t; an asset missing any term is missing.
/// The definition is identified by the SHA-256 of its canonical JSON (<see cref="Sha256"/>), which the trial ledger
/// records; a stored name and version never change meaning.
/// </summary>
public sealed partial record SignalDefinition(string Name, int Version, string Description, IReadOnlyList<SignalTerm> Terms, IReadOnlyList<SignalTransform> Post)
{
    /// <summary>Name and version as written on the command line: <c>name@v2</c>.</summary>
    public string Id => string.Create(CultureInfo.InvariantCulture, $"{Name}@v{Version}");

    /// <summary>The definition in its canonical form: fixed key order, transforms as text, no whitespace.</summary>
    public string CanonicalJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["version"] = Version,
            ["description"] = Description,
            ["terms"] = new JsonArray([.. Terms.Select(t => (JsonNode)new JsonObject
            {
                ["descriptor"] = t.Descriptor,
                ["weight"] = t.Weight,
                ["transforms"] = new JsonArray([.. t.Transforms.Select(x => (JsonNode)JsonValue.Create(x.Text))]),
            })]),
            ["post"] = new JsonArray([.. Post.Select(x => (JsonNode)JsonValue.Create(x.Text))]),
        };
        return json.ToJsonString();
    }

    /// <summary>SHA-256 (hex) of <see cref="CanonicalJson"/>.</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson())));

    /// <summary>
    /// The warehouse datasets the definition reads: CRSP daily and names always, Compustat and the CCM links for a
    /// fundamental descriptor (a term's or a neutralisation's), <c>truth/alpha</c> for the planted alpha.
    /// </summary>
    public IReadOnlyList<string> Datasets()
    {
        var datasets = new List<string> { "crsp/daily", "crsp/names" };
        var descriptors = Terms.Select(t => t.Descriptor).Concat(Terms.SelectMany(t => t.Transforms).Concat(Post)
            .Select(x => x.Text).Where(x => x.StartsWith("neutralize:", StringComparison.Ordinal)).Select(x => x["neutralize:".Length..])).ToList();
        if (descriptors.Any(d => SignalDescriptors.Find(d) is { } found && found.Inputs.HasFlag(Factors.FactorInputs.Fundamentals)))
        {
            datasets.AddRange(["compustat/quarterly", "ccm/links"]);
        }

        if (descriptors.Contains(SignalDescriptors.PlantedAlpha))
        {
            datasets.Add("truth/alpha");
        }

        return datasets;
    }

    /// <summary>The same signal with <paramref name="transform"/> appended after the others (e.g. an industry-neutral variant).</summary>
    public SignalDefinition With(SignalTransform transform) => this with { Post = [.. Post, transform] };

    /// <summary>
    /// Reads a definition (a spec file's text); <paramref name="source"/> names it in errors, which say which field is wrong:
    /// <code>{"name": "value_momentum", "version": 1, "description": "...",
    ///  "terms": [{"descriptor": "book_to_price", "weight": 0.5, "transforms": ["winsorize:0.01", "zscore"]},
    ///            {"descriptor": "momentum_12_1", "weight": 0.5, "transforms": ["winsorize:0.01", "zscore"]}],
    ///  "post": ["neutralize:industry", "zscore"]}</code>
    /// </summary>
    public static SignalDefinition Parse(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new FormatException($"{source}: a signal definition is a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}).", e);
        }

        string[] allowed = ["name", "version", "description", "terms", "post"];
        if (root.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k)) is { } unknown)
        {
            throw new FormatException($"{source}: unknown field '{unknown}'; a signal has {string.Join(", ", allowed)}.");
        }

        var name = Text(root, "name", source) ?? throw new FormatException($"{source}: 'name' is missing.");
        if (!NamePattern().IsMatch(name))
        {
            throw new FormatException($"{source}: name '{name}' must be lower-case letters, digits and underscores, starting with a letter (at most 64).");
        }

        var version = root["version"] is JsonValue v && v.TryGetValue<int>(out var number) ? number : root["version"] is null ? 1 : throw new FormatException($"{source}: 'version' must be a whole number.");
        if (version < 1)
        {
            throw new FormatException($"{source}: 'version' must be 1 or more.");
        }

        if (root["terms"] is not JsonArray terms || terms.Count == 0)
        {
            throw new FormatException($"{source}: 'terms' must be a non-empty list of {{descriptor, weight, transforms}}.");
        }

        var parsed = new List<SignalTerm>();
        for (var k = 0; k < terms.Count; k++)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{source}: terms[{k}]");
            if (terms[k] is not JsonObject term)
            {
                throw new FormatException($"{where} must be an object.");
            }

            if (term.Select(p => p.Key).FirstOrDefault(key => key is not ("descriptor" or "weight" or "transforms")) is { } extra)
            {
                throw new FormatException($"{where}: unknown field '{extra}'; a term has descriptor, weight, transforms.");
            }

            var descriptor = Text(term, "descriptor", where) ?? throw new FormatException($"{where}: 'descriptor' is missing.");
            if (SignalDescriptors.Find(descriptor) is null)
            {
                throw new FormatException($"{where}: unknown descriptor '{descriptor}'; known: {SignalDescriptors.Known}.");
            }

            var weight = term["weight"] is null ? 1.0 : term["weight"] is JsonValue w && w.TryGetValue<double>(out var value) && double.IsFinite(value) && value != 0
                ? value
                : throw new FormatException($"{where}: 'weight' must be a finite, non-zero number.");
            parsed.Add(new SignalTerm(descriptor, weight, Transforms(term["transforms"], $"{where}.transforms")));
        }

        return new SignalDefinition(name, version, Text(root, "description", source) ?? string.Empty, parsed, Transforms(root["post"], $"{source}: post"));
    }

    private static string? Text(JsonObject o, string key, string where) =>
        o[key] is null ? null : o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException($"{where}: '{key}' must be a string.");

    private static List<SignalTransform> Transforms(JsonNode? node, string where)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray list)
        {
            throw new FormatException($"{where} must be a list of transforms.");
        }

        var transforms = new List<SignalTransform>();
        for (var k = 0; k < list.Count; k++)
        {
            var text = list[k] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where}[{k}] must be a string."));
            try
            {
                transforms.Add(SignalTransform.Parse(text));
            }
            catch (FormatException e)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where}[{k}]: {e.Message}"), e);
            }
        }

        return transforms;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();
}
