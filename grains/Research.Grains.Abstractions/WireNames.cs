using System.Collections.Concurrent;
using System.Text.Json;

namespace Research.Grains.Abstractions;

/// <summary>
/// The text form of the contract enums wherever they leave the type system (JSON, CLI options, URLs, persisted grain
/// state, the result index): the member name in lower kebab case (<c>NextClose</c> is <c>next-close</c>). The console's
/// JSON, the grain storage serializer and the CLI all use this one rule, so the names a script or an old persisted
/// state wrote keep reading.
/// </summary>
public static class WireNames
{
    private static readonly ConcurrentDictionary<Type, (string[] Names, Array Values)> Cache = new();

    /// <summary>The naming rule (System.Text.Json's lower kebab case).</summary>
    public static JsonNamingPolicy Policy => JsonNamingPolicy.KebabCaseLower;

    /// <summary>The wire name of a value.</summary>
    public static string Of<T>(T value)
        where T : struct, Enum
    {
        var (names, values) = Table(typeof(T));
        var i = Array.IndexOf(values, value);
        return i >= 0 ? names[i] : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(T).Name} has no member {value}.");
    }

    /// <summary>Every wire name of the enum, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>()
        where T : struct, Enum => Table(typeof(T)).Names;

    /// <summary>Every value of the enum, in declaration order.</summary>
    public static IReadOnlyList<T> Values<T>()
        where T : struct, Enum => (T[])Table(typeof(T)).Values;

    /// <summary>Reads a wire name (exact, lower case); false for anything else, numbers included.</summary>
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        var (names, values) = Table(typeof(T));
        var i = text is null ? -1 : Array.IndexOf(names, text);
        value = i >= 0 ? (T)values.GetValue(i)! : default;
        return i >= 0;
    }

    /// <summary>Reads a wire name or throws an <see cref="ArgumentException"/> naming the field and the names it accepts.</summary>
    public static T Parse<T>(string? text, string field)
        where T : struct, Enum => TryParse<T>(text, out var value)
            ? value
            : throw new ArgumentException($"{field}: '{text}' is not one of {string.Join(", ", All<T>())}.");

    private static (string[] Names, Array Values) Table(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var values = Enum.GetValuesAsUnderlyingType(t);
        var typed = Array.CreateInstance(t, values.Length);
        var names = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var value = Enum.ToObject(t, values.GetValue(i)!);
            typed.SetValue(value, i);
            names[i] = Policy.ConvertName(Enum.GetName(t, value)!);
        }

        return (names, typed);
    });
}
