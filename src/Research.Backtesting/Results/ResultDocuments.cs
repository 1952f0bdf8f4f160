using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Research.Backtesting.Results;

/// <summary>
/// The one JSON form of stored metrics and specs: camelCase, shortest round-trip doubles, NaN and infinities as named
/// literals, no indentation. Equal metrics give equal bytes, so <see cref="Sha256"/> of two runs compares them exactly.
/// </summary>
public static class ResultDocuments
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"Empty JSON where a {typeof(T).Name} was expected.");

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
