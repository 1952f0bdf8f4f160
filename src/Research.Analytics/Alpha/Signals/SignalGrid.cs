using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Research.Analytics.Alpha.Signals;

/// <summary>
/// A parameter grid of signals: a signal spec in which any of these may list choices instead of one value, expanded to
/// every combination (the first choice point varies slowest):
/// <list type="bullet">
/// <item><c>terms[i].descriptor</c>: a list of descriptor names instead of one;</item>
/// <item><c>terms[i].weight</c>: a list of numbers instead of one;</item>
/// <item><c>terms[i].transforms</c> and <c>post</c>: a list of transform lists instead of one list.</item>
/// </list>
/// Variant k is named <c>NAME_K</c> (zero-padded, from 1) and described by its choices; each is checked as a spec is, the
/// error naming the variant. <code>{"name": "mom_val", "terms": [{"descriptor": ["momentum_12_1", "reversal_21"], "weight": [0.5, 1]},
///  {"descriptor": "book_to_price", "transforms": [["zscore"], ["winsorize:0.01", "zscore"]]}], "post": [["zscore"], ["neutralize:industry", "zscore"]]}</code>
/// gives 2 x 2 x 2 x 2 = 16 variants.
/// </summary>
public static class SignalGrid
{
    /// <summary>At most this many variants in one grid.</summary>
    public const int MaxVariants = 2000;

    public static IReadOnlyList<SignalDefinition> Expand(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new FormatException($"{source}: a signal grid is a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}).", e);
        }

        var name = root["name"] is JsonValue n && n.TryGetValue<string>(out var text) ? text : throw new FormatException($"{source}: 'name' (a string) is missing.");
        var points = new List<(string Where, Action<JsonObject, JsonNode?> Set, JsonNode?[] Choices)>();
        if (root["terms"] is JsonArray terms)
        {
            for (var k = 0; k < terms.Count; k++)
            {
                if (terms[k] is not JsonObject term)
                {
                    continue; // the spec check names it
                }

                var index = k;
                foreach (var field in new[] { "descriptor", "weight" })
                {
                    if (term[field] is JsonArray choices)
                    {
                        points.Add(($"terms[{index}].{field}", (copy, value) => ((JsonObject)copy["terms"]![index]!)[field] = value, Choices(choices, $"{source}: terms[{index}].{field}")));
                    }
                }

                if (term["transforms"] is JsonArray transforms && transforms.Count > 0 && transforms.All(t => t is JsonArray))
                {
                    points.Add(($"terms[{index}].transforms", (copy, value) => ((JsonObject)copy["terms"]![index]!)["transforms"] = value, Choices(transforms, $"{source}: terms[{index}].transforms")));
                }
            }
        }

        if (root["post"] is JsonArray post && post.Count > 0 && post.All(t => t is JsonArray))
        {
            points.Add(("post", (copy, value) => copy["post"] = value, Choices(post, $"{source}: post")));
        }

        var count = points.Aggregate(1L, (product, p) => product * p.Choices.Length);
        if (count > MaxVariants)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source}: the grid has {count:N0} variants; at most {MaxVariants:N0} are evaluated at once."));
        }

        var width = count.ToString(CultureInfo.InvariantCulture).Length;
        var variants = new List<SignalDefinition>((int)count);
        var pick = new int[points.Count];
        for (var v = 0; v < count; v++)
        {
            var copy = (JsonObject)root.DeepClone();
            var said = new List<string>();
            for (var p = 0; p < points.Count; p++)
            {
                var choice = points[p].Choices[pick[p]];
                points[p].Set(copy, choice?.DeepClone());
                said.Add($"{points[p].Where}={choice?.ToJsonString()}");
            }

            var label = $"{name}_{(v + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}";
            copy["name"] = label;
            var description = root["description"] is JsonValue d && d.TryGetValue<string>(out var given) ? given + "; " : string.Empty;
            copy["description"] = description + (said.Count == 0 ? "the grid's only variant" : string.Join(", ", said));
            variants.Add(SignalDefinition.Parse(copy.ToJsonString(), $"{source} variant {v + 1} ({label})"));

            // Odometer: the last choice point varies fastest.
            for (var p = points.Count - 1; p >= 0; p--)
            {
                if (++pick[p] < points[p].Choices.Length)
                {
                    break;
                }

                pick[p] = 0;
            }
        }

        return variants;
    }

    private static JsonNode?[] Choices(JsonArray choices, string where) =>
        choices.Count == 0 ? throw new FormatException($"{where}: an empty list of choices.") : [.. choices];
}
