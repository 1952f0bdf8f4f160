using System.Globalization;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using Research.Grains.Abstractions.Backtests;

namespace Research.Console.Components.Pages.Backtests;

/// <summary>Plotly traces and layouts for the result pages (presentation only: the numbers come from the silo).</summary>
public static class Charts
{
    public static Config Config { get; } = new() { Responsive = true, DisplayLogo = false };

    public static Plotly.Blazor.Layout Layout(string title, string yTitle, string? yFormat = null) => new()
    {
        Title = new Title { Text = title },
        Height = 320,
        Margin = new Margin { L = 60, R = 20, T = 40, B = 40 },
        YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = yTitle }, TickFormat = yFormat }],
        ShowLegend = true,
    };

    public static List<object> Days(IEnumerable<DateOnly> dates) => [.. dates.Select(d => (object)d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))];

    public static Scatter Line(string name, IEnumerable<DateOnly> dates, IEnumerable<double> values, bool fill = false) => new()
    {
        Name = name,
        Mode = ModeFlag.Lines,
        X = Days(dates),
        Y = [.. values.Select(v => (object)v)],
        Fill = fill ? FillEnum.ToZeroY : null,
    };

    /// <summary>
    /// The heatmap's layout: years as categories (plotly would read "2024" as a number and label a two-year run
    /// 2,022.5 ... 2,024.5).
    /// </summary>
    public static Plotly.Blazor.Layout MonthlyLayout()
    {
        var layout = Layout("Monthly returns (%); each year with its total", string.Empty);
        layout.YAxis[0].Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Category;
        layout.Margin.L = 110; // room for "2024 (+30.5%)"
        return layout;
    }

    /// <summary>Years down, months across, compounded monthly return in each cell (empty where the track has no day).</summary>
    public static HeatMap Monthly(IReadOnlyList<MonthlyReturn> months)
    {
        var years = months.Select(m => m.Year).Distinct().Order().ToList();
        var z = years.Select(y => (object)Enumerable.Range(1, 12).Select(mo => months.FirstOrDefault(m => m.Year == y && m.Month == mo) is { } hit ? (object)Math.Round(hit.Return * 100, 2) : null!).ToList()).ToList();
        return new HeatMap
        {
            Name = "Monthly return (%)",
            X = [.. CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames.Take(12).Select(m => (object)m)],
            // Each row is labelled with its year and the year's compounded return over the months shown.
            Y = [.. years.Select(y => (object)string.Create(CultureInfo.InvariantCulture,
                $"{y} ({(months.Where(m => m.Year == y).Aggregate(1.0, (w, m) => w * (1 + m.Return)) - 1) * 100:+0.0;-0.0;0.0}%)"))],
            Z = z,
            ZMid = 0,
            ColorScale = "RdBu",
            TextTemplate = "%{z:.1f}",
        };
    }

    /// <summary>A fan of wealth over simulated days: the 5-95% and 25-75% bands filled, the median drawn.</summary>
    public static List<ITrace> Fan(FanView fan)
    {
        ArgumentNullException.ThrowIfNull(fan);
        var x = fan.Days.Select(d => (object)(d + 1)).ToList();
        Scatter Band(string name, double[] y, bool fillToPrevious, string color, double width = 0.5) => new()
        {
            Name = name,
            Mode = ModeFlag.Lines,
            X = x,
            Y = [.. y.Select(v => (object)v)],
            Fill = fillToPrevious ? FillEnum.ToNextY : null,
            FillColor = fillToPrevious ? color : null,
            Line = new Plotly.Blazor.Traces.ScatterLib.Line { Width = (decimal)width, Color = "rgb(31,119,180)" },
        };
        return
        [
            Band("5%", fan.P05, false, string.Empty),
            Band("95%", fan.P95, true, "rgba(31,119,180,0.15)"),
            Band("25%", fan.P25, false, string.Empty),
            Band("75%", fan.P75, true, "rgba(31,119,180,0.30)"),
            Band("median", fan.P50, false, string.Empty, 2),
        ];
    }

    public static Histogram Distribution(string name, IEnumerable<double> values) => new() { Name = name, X = [.. values.Where(double.IsFinite).Select(v => (object)v)], NBinsX = 60 };

    /// <summary><paramref name="layout"/> with a dashed vertical line at <paramref name="x"/>, labelled at the top.</summary>
    public static Plotly.Blazor.Layout Marked(Plotly.Blazor.Layout layout, double x, string label)
    {
        ArgumentNullException.ThrowIfNull(layout);
        layout.Shapes = [new Shape { Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line, X0 = x, X1 = x, Y0 = 0, Y1 = 1, YRef = "paper", Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = "rgb(214,39,40)", Width = 2, Dash = "dash" } }];
        layout.Annotations = [new Annotation { X = x, Y = 1, YRef = "paper", Text = label, ShowArrow = false, YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Bottom }];
        return layout;
    }

    /// <summary>Running sums (a cumulative contribution that is added, not compounded).</summary>
    public static double[] Summed(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sums = new double[values.Count];
        var total = 0.0;
        for (var i = 0; i < sums.Length; i++)
        {
            total += values[i];
            sums[i] = total;
        }

        return sums;
    }

    /// <summary>The share of the finite <paramref name="values"/> below <paramref name="x"/>.</summary>
    public static double ShareBelow(IReadOnlyCollection<double> values, double x)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count == 0 ? double.NaN : (double)finite.Count(v => v < x) / finite.Count;
    }
}
