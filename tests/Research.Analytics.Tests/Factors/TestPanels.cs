using Research.Analytics.Factors;
using Research.Core.Calendars;

namespace Research.Analytics.Tests.Factors;

/// <summary>Small hand-made panels on NYSE sessions.</summary>
internal static class TestPanels
{
    public static EquityPanel Daily(DateOnly from, DateOnly to, int assets, Func<int, int, DateOnly, double> returns, Func<int, int, double>? cap = null, Func<int, int>? industries = null)
    {
        var dates = NyseCalendar.Instance.Sessions(from, to).ToArray();
        var n = assets;
        var r = new double[dates.Length * n];
        var c = new double[dates.Length * n];
        var dv = new double[dates.Length * n];
        var turnover = new double[dates.Length * n];
        for (var t = 0; t < dates.Length; t++)
        {
            for (var i = 0; i < n; i++)
            {
                r[(t * n) + i] = t == 0 ? double.NaN : returns(t, i, dates[t]);
                c[(t * n) + i] = cap?.Invoke(t, i) ?? 1.0;
                dv[(t * n) + i] = 0.01 * c[(t * n) + i];
                turnover[(t * n) + i] = 0.005;
            }
        }

        var panel = new EquityPanel(dates, [.. Enumerable.Range(1, n)], [.. Enumerable.Range(1, n).Select(i => $"S{i}")], r, c, dv, turnover);
        for (var i = 0; i < n; i++)
        {
            panel.Names[i] = [new NameSpan(dates[0], dates[^1], true, industries?.Invoke(i) ?? 0)];
        }

        return panel;
    }
}
