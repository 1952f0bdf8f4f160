using System.Globalization;

namespace Research.Analytics.Events;

/// <summary>How normal returns are modelled in an event study.</summary>
public enum AbnormalReturnModel
{
    /// <summary>AR = R − Rm, Rm the market's total return (mktrf + rf); nothing estimated.</summary>
    MarketAdjusted,

    /// <summary>AR = R − (α + β Rm), α and β by OLS over the estimation window.</summary>
    MarketModel,

    /// <summary>AR = R − rf − (α + b mktrf + s smb + h hml), coefficients by OLS over the estimation window.</summary>
    FamaFrench3,
}

/// <summary>A window of trading days relative to the event day 0 (both ends included).</summary>
public sealed record EventWindow(int From, int To)
{
    public int Length => To - From + 1;

    public bool Contains(EventWindow other) => other.From >= From && other.To <= To;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{From:+0;-0;0}, {To:+0;-0;0}]");

    /// <summary>Reads <c>FROM:TO</c> (for example <c>-250:-11</c> or <c>0:60</c>).</summary>
    public static EventWindow Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var to))
        {
            throw new FormatException($"'{text}' is not a window of days FROM:TO (for example -1:1 or 0:60).");
        }

        return from > to ? throw new FormatException($"'{text}': the window starts after it ends.") : new EventWindow(from, to);
    }
}

/// <summary>The design of an event study; every choice is reported with the result.</summary>
public sealed record EventStudyOptions
{
    public AbnormalReturnModel Model { get; init; } = AbnormalReturnModel.MarketModel;

    /// <summary>Days of the estimation window (default −250 to −11: a year ending two weeks before the event).</summary>
    public EventWindow Estimation { get; init; } = new(-250, -11);

    /// <summary>The event window: abnormal returns per day and the cumulative path with its band (default −10 to +10).</summary>
    public EventWindow Window { get; init; } = new(-10, 10);

    /// <summary>Windows whose CAR and BHAR are tested (inside the event window); empty = the event window itself.</summary>
    public IReadOnlyList<EventWindow> Tests { get; init; } = [];

    /// <summary>Events with fewer returns in the estimation window are left out (default 120).</summary>
    public int MinEstimationDays { get; init; } = 120;

    /// <summary>Level of the confidence intervals (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>
    /// Kolari-Pynnönen's average residual correlation is measured over pairs of the first this many events of a group
    /// (by date, then PERMNO): pairs grow with the square of the count.
    /// </summary>
    public int CorrelationEvents { get; init; } = 400;

    /// <summary>Pairs of events sharing fewer estimation days than this do not enter the average correlation.</summary>
    public int MinSharedDays { get; init; } = 30;

    public IReadOnlyList<EventWindow> TestWindows => Tests.Count == 0 ? [Window] : Tests;

    /// <summary>
    /// The design when nothing is given: for pasted or filed events the market model over −10..+10; for earnings
    /// market-adjusted returns (a fitted alpha would bias 60-day windows) over −5..+60, testing day 0 and +1..+60.
    /// </summary>
    public static EventStudyOptions Defaults(bool earnings) => earnings
        ? new EventStudyOptions { Model = AbnormalReturnModel.MarketAdjusted, Window = new EventWindow(-5, 60), Tests = [new EventWindow(0, 0), new EventWindow(1, 60)] }
        : new EventStudyOptions();

    /// <summary>Parameters of the normal-return model (the degrees of freedom of the residual variance are T minus this).</summary>
    public int Parameters => Model switch
    {
        AbnormalReturnModel.MarketAdjusted => 1,
        AbnormalReturnModel.MarketModel => 2,
        _ => 4,
    };

    /// <summary>
    /// Refuses an inconsistent design, naming the part as <paramref name="names"/> calls it (keys <c>estimation</c>,
    /// <c>test</c>, <c>min-estimation</c>, <c>confidence</c>: the CLI passes its options, the console its fields).
    /// </summary>
    public void Validate(IReadOnlyDictionary<string, string>? names = null)
    {
        string N(string part, string fallback) => names?.GetValueOrDefault(part) ?? fallback;
        if (Estimation.To >= Window.From)
        {
            throw new ArgumentException($"{N("estimation", "The estimation window")} {Estimation} must end before the event window {Window} starts.");
        }

        if (TestWindows.FirstOrDefault(w => !Window.Contains(w)) is { } outside)
        {
            throw new ArgumentException($"{N("test", "The test window")} {outside} is not inside the event window {Window}.");
        }

        if (MinEstimationDays < Parameters + 3 || MinEstimationDays > Estimation.Length)
        {
            throw new ArgumentException($"{N("min-estimation", "Estimation days")}: at least {Parameters + 3} and at most {Estimation.Length} (the estimation window {Estimation}) can be required; {MinEstimationDays} asked.");
        }

        if (Confidence is <= 0.5 or >= 1)
        {
            throw new ArgumentException($"{N("confidence", "The confidence level")} must be between 0.5 and 1; {Confidence} asked.");
        }
    }
}
