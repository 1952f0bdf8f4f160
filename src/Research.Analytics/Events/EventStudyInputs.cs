namespace Research.Analytics.Events;

/// <summary>One event: a security (CRSP PERMNO) on a date, in a group (results are given per group).</summary>
public sealed record StudyEvent(string Id, int Permno, DateOnly Date, string Group);

/// <summary>
/// The market's daily series on the study's session axis (NaN = missing): the Fama-French market excess return,
/// size and value factors and the risk-free rate. The market's total return is mktrf + rf.
/// </summary>
public sealed class EventMarket
{
    public EventMarket(DateOnly[] dates, double[] mktRf, double[] smb, double[] hml, double[] rf)
    {
        ArgumentNullException.ThrowIfNull(dates);
        foreach (var (series, name) in new[] { (mktRf, nameof(mktRf)), (smb, nameof(smb)), (hml, nameof(hml)), (rf, nameof(rf)) })
        {
            if (series is null || series.Length != dates.Length)
            {
                throw new ArgumentException($"{name} must have one value per session ({dates.Length}).", name);
            }
        }

        for (var t = 1; t < dates.Length; t++)
        {
            if (dates[t] <= dates[t - 1])
            {
                throw new ArgumentException($"Sessions must ascend: {dates[t]:yyyy-MM-dd} follows {dates[t - 1]:yyyy-MM-dd}.", nameof(dates));
            }
        }

        (Dates, MktRf, Smb, Hml, Rf) = (dates, mktRf, smb, hml, rf);
    }

    public DateOnly[] Dates { get; }

    public double[] MktRf { get; }

    public double[] Smb { get; }

    public double[] Hml { get; }

    public double[] Rf { get; }

    public int Sessions => Dates.Length;

    /// <summary>Index of the first session on or after the date, or <see cref="Sessions"/>.</summary>
    public int SessionOnOrAfter(DateOnly date)
    {
        var index = Array.BinarySearch(Dates, date);
        return index >= 0 ? index : ~index;
    }
}
