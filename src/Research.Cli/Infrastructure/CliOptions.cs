using System.CommandLine;
using System.Globalization;
using Research.Grains.Abstractions;

namespace Research.Cli.Infrastructure;

/// <summary>Options shared by many commands.</summary>
public static class CliOptions
{
    /// <summary><c>--json</c>: machine-readable output on standard output.</summary>
    public static Option<bool> Json { get; } = new("--json") { Description = "Write the result as JSON to standard output.", Recursive = true };

    /// <summary><c>--verbose</c>: full exception details on failure.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Show full error details (stack traces).", Recursive = true };

    /// <summary><c>--data-root</c>: overrides <c>Research:DataRoot</c>.</summary>
    public static Option<string?> DataRoot { get; } = new("--data-root") { Description = "Warehouse root folder (default: Research:DataRoot, else ./data).", Recursive = true };

    /// <summary>A required ISO date option.</summary>
    public static Option<DateOnly> Date(string name, string description) => new(name)
    {
        Description = description,
        Required = true,
        CustomParser = r => ParseDate(name, r),
    };

    /// <summary>An optional ISO date option.</summary>
    public static Option<DateOnly?> OptionalDate(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => ParseDate(name, r),
    };

    /// <summary>An option that takes one of an enum's wire names (<see cref="WireNames"/>); anything else is a usage error listing them.</summary>
    public static Option<T> Choice<T>(string name, string description, T defaultValue)
        where T : struct, Enum => new(name)
        {
            Description = $"{description} One of {string.Join(", ", WireNames.All<T>())} (default {WireNames.Of(defaultValue)}).",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
                if (WireNames.TryParse<T>(text, out var value))
                {
                    return value;
                }

                r.AddError($"{name}: '{text}' is not one of {string.Join(", ", WireNames.All<T>())}.");
                return default;
            },
        };

    /// <summary>Refuses, as a usage error naming both options, a <paramref name="from"/> date after <paramref name="to"/>.</summary>
    public static void RequireOrdered(Command command, Option<DateOnly> from, Option<DateOnly> to)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Validators.Add(result =>
        {
            // A date that did not parse has its own error already (reading it throws); compare only two dates.
            DateOnly first, last;
            try
            {
                (first, last) = (result.GetValue(from), result.GetValue(to));
            }
            catch (InvalidOperationException)
            {
                return;
            }

            if (first > last)
            {
                result.AddError($"{from.Name} {first:yyyy-MM-dd} is after {to.Name} {last:yyyy-MM-dd}.");
            }
        });
    }

    /// <summary>Refuses, as a usage error naming the option, a value that is not positive.</summary>
    public static Option<int> Positive(this Option<int> option) => Between(option, 1, int.MaxValue, "a positive number");

    /// <summary>Refuses, as a usage error naming the option, a negative value.</summary>
    public static Option<int> NonNegative(this Option<int> option) => Between(option, 0, int.MaxValue, "zero or more");

    /// <summary>Refuses, as a usage error naming the option, a whole number outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Between(this Option<int> option, int min, int max, string? rule = null) => WholeNumber(option, v => v, min, max, rule);

    /// <summary>Refuses, as a usage error naming the option, a given value that is not positive (absent is fine).</summary>
    public static Option<int?> Positive(this Option<int?> option) => WholeNumber(option, v => v, 1, int.MaxValue, "a positive number");

    /// <summary>Refuses, as a usage error naming the option, a given value outside [<paramref name="min"/>, <paramref name="max"/>] (absent is fine).</summary>
    public static Option<int?> Between(this Option<int?> option, int min, int max, string? rule = null) => WholeNumber(option, v => v, min, max, rule);

    /// <summary>Refuses, in one line naming the option, a value that is not one of <paramref name="values"/>.</summary>
    public static Option<T> OneOf<T>(this Option<T> option, params string[] values)
        where T : class?
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            var given = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (given is not null && !values.Contains(given, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name}: '{given}' is not one of {string.Join(", ", values)}.");
            }
        });
        return option;
    }

    /// <summary>The one whole-number rule behind <see cref="Between(Option{int}, int, int, string?)"/>, <see cref="Positive(Option{int})"/> and friends.</summary>
    private static Option<T> WholeNumber<T>(Option<T> option, Func<T, int?> read, int min, int max, string? rule)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            int? value;
            try
            {
                value = read(result.GetValueOrDefault<T>());
            }
            catch (InvalidOperationException)
            {
                // not a whole number: say so here (reading it threw, and the parser's own message would be lost with it)
                result.AddError($"{option.Name}: '{string.Join(" ", result.Tokens.Select(t => t.Value))}' is not a whole number.");
                return;
            }

            if (value < min || value > max)
            {
                result.AddError($"{option.Name} must be {rule ?? $"a whole number from {min} to {max}"} (got {value}).");
            }
        });
        return option;
    }

    /// <summary>
    /// Refuses, as a usage error naming the option, an output file that could not be written: a folder, or a path whose
    /// folder does not exist. Checked before the command does any work, so a long run never ends on a bad path.
    /// </summary>
    public static Option<FileInfo?> WritableFile(this Option<FileInfo?> option) => WritableFile(option, f => f?.FullName);

    /// <inheritdoc cref="WritableFile(Option{FileInfo})"/>
    public static Option<string?> WritableFile(this Option<string?> option) => WritableFile(option, p => p is null ? null : Path.GetFullPath(p));

    private static Option<T> WritableFile<T>(Option<T> option, Func<T?, string?> fullPath)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            if (fullPath(result.GetValueOrDefault<T>()) is not { } path)
            {
                return;
            }

            if (Directory.Exists(path))
            {
                result.AddError($"{option.Name}: {path} is a folder; give a file name.");
            }
            else if (Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder))
            {
                result.AddError($"{option.Name}: the folder {folder} does not exist.");
            }
        });
        return option;
    }

    /// <summary>Refuses, as a usage error naming the option, a value that is not finite or lies outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<double> Within(this Option<double> option, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            double value;
            try
            {
                value = result.GetValueOrDefault<double>();
            }
            catch (InvalidOperationException)
            {
                result.AddError($"{option.Name}: '{string.Join(" ", result.Tokens.Select(t => t.Value))}' is not a number.");
                return;
            }

            if (!double.IsFinite(value) || value < min || value > max)
            {
                result.AddError($"{option.Name} must be a finite number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (got {value.ToString(CultureInfo.InvariantCulture)}).");
            }
        });
        return option;
    }

    private static DateOnly ParseDate(string name, System.CommandLine.Parsing.ArgumentResult r)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        r.AddError($"{name}: '{text}' is not a date in the form YYYY-MM-DD.");
        return default;
    }
}
