using System.Text.Json;
using System.Text.Json.Serialization;
using Research.Grains.Abstractions;
using Spectre.Console;

namespace Research.Cli.Infrastructure;

/// <summary>
/// Where a command writes: data to standard output (a table for humans, JSON with <c>--json</c>), progress
/// and diagnostics to standard error. Progress bars appear only when standard error is an interactive
/// terminal, so pipes and CI logs stay clean.
/// </summary>
public sealed class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(WireNames.Policy) },
    };

    /// <summary>The width tables are laid out for when no terminal is attached.</summary>
    public const int NonInteractiveWidth = 1000;

    public CliOutput(TextWriter output, TextWriter error, bool interactive)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Into a pipe or a file there is no screen to fit: a table keeps one line per row instead of wrapping its
            // cells at Spectre's default of 80 columns (unreadable in a log, and useless to grep).
            Console.Profile.Width = NonInteractiveWidth;
        }

        ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>True when a human is watching a terminal.</summary>
    public bool Interactive { get; }

    /// <summary>Spectre console over standard output (tables).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Spectre console over standard error (progress).</summary>
    public IAnsiConsole ErrorConsole { get; }

    /// <summary>The process's real standard streams.</summary>
    public static CliOutput ForProcess() =>
        new(System.Console.Out, System.Console.Error, !System.Console.IsErrorRedirected && !System.Console.IsOutputRedirected);

    /// <summary>Writes a value as indented JSON (camelCase) to standard output.</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>What a command did: <paramref name="value"/> as JSON with <c>--json</c>, else the sentence <paramref name="text"/>.</summary>
    public void Done<T>(System.CommandLine.ParseResult parse, string text, T value)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(CliOptions.Json))
        {
            WriteJson(value);
        }
        else
        {
            Out.WriteLine(text);
        }
    }

    /// <summary>Writes one diagnostic line to standard error.</summary>
    public void Info(string message) => Error.WriteLine(message);

    /// <summary>
    /// Runs work with a progress bar on an interactive terminal, or with a line per stage change otherwise.
    /// </summary>
    public async Task<T> WithProgressAsync<T>(string title, Func<IProgress<(string Stage, double Fraction)>, Task<T>> work)
    {
        if (!Interactive)
        {
            string? lastStage = null;
            var plain = new SynchronousProgress<(string Stage, double Fraction)>(p =>
            {
                var stage = p.Stage.Split(' ')[0];
                if (stage != lastStage)
                {
                    lastStage = stage;
                    Error.WriteLine($"{title}: {p.Stage} ({p.Fraction:P0})");
                }
            });
            return await work(plain).ConfigureAwait(false);
        }

        T result = default!;
        await ErrorConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                var progress = new SynchronousProgress<(string Stage, double Fraction)>(p =>
                {
                    task.Description = Markup.Escape($"{title}: {p.Stage}");
                    task.Value = Math.Clamp(p.Fraction, 0, 1);
                });
                result = await work(progress).ConfigureAwait(false);
                task.Value = 1.0;
            }).ConfigureAwait(false);
        return result;
    }
}
