using MathNet.Numerics.LinearAlgebra;

namespace Research.Analytics.Microstructure;

/// <summary>HAR-RV coefficients: RV_(t+1) = c + β_d RV_t + β_w RV_t^(w) + β_m RV_t^(m) + ε, by OLS.</summary>
public sealed record HarFit(double Intercept, double Daily, double Weekly, double Monthly, double RSquared, int Observations);

/// <summary>One out-of-sample day: the realized variance and the two forecasts made the day before.</summary>
public sealed record HarForecast(DateOnly Date, double Actual, double Har, double Naive);

/// <summary>Out-of-sample losses of HAR and of the naive forecast (yesterday's RV), and the last fit.</summary>
public sealed record HarEvaluation(int TrainDays, IReadOnlyList<HarForecast> Forecasts, double HarMse, double NaiveMse, double HarQlike, double NaiveQlike, HarFit LastFit)
{
    /// <summary>HAR's MSE over the naive one's (below 1: HAR forecasts better).</summary>
    public double MseRatio => HarMse / NaiveMse;

    public double QlikeRatio => HarQlike / NaiveQlike;
}

/// <summary>
/// The heterogeneous autoregressive model of realized variance (Corsi 2009): tomorrow's RV on today's, the mean of the
/// last 5 (weekly) and of the last 22 (monthly), fitted by OLS. Evaluated out of sample: from day <c>trainDays</c> on,
/// each day's forecast comes from a fit on every target known the day before (an expanding window), and is compared
/// with the naive forecast RV_t (a random walk) by MSE and QLIKE = RV/F − ln(RV/F) − 1 (Patton 2011, robust to the
/// noise in RV as a proxy). A HAR forecast at or below zero is floored at the smallest RV of its training data (counted).
/// </summary>
public static class HarModel
{
    public const int Week = 5, Month = 22;

    /// <summary>Fits on targets RV_(t+1) for t from <see cref="Month"/> − 1 to <paramref name="last"/> − 1 (the regressors need 22 days).</summary>
    public static HarFit Fit(IReadOnlyList<double> rv, int last)
    {
        ArgumentNullException.ThrowIfNull(rv);
        var rows = Enumerable.Range(Month - 1, Math.Max(0, last - (Month - 1))).ToArray();
        if (rows.Length < 10)
        {
            throw new ArgumentException($"HAR needs at least {Month + 10} days of realized variance; {last + 1} given.");
        }

        var x = Matrix<double>.Build.Dense(rows.Length, 4, (i, j) => Regressors(rv, rows[i])[j]);
        var y = Vector<double>.Build.Dense(rows.Length, i => rv[rows[i] + 1]);
        var b = x.QR().Solve(y);
        var fitted = x * b;
        var mean = y.Average();
        var rss = (y - fitted).Sum(v => v * v);
        var tss = y.Sum(v => (v - mean) * (v - mean));
        return new HarFit(b[0], b[1], b[2], b[3], tss > 0 ? 1 - (rss / tss) : double.NaN, rows.Length);
    }

    /// <summary>The forecast of RV_(t+1) from the days up to t.</summary>
    public static double Forecast(HarFit fit, IReadOnlyList<double> rv, int t)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var r = Regressors(rv, t);
        return fit.Intercept + (fit.Daily * r[1]) + (fit.Weekly * r[2]) + (fit.Monthly * r[3]);
    }

    public static HarEvaluation Evaluate(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> rv, int trainDays)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(rv);
        if (dates.Count != rv.Count)
        {
            throw new ArgumentException($"{dates.Count} dates for {rv.Count} values.");
        }

        if (rv.Any(v => !(v > 0) || !double.IsFinite(v)))
        {
            throw new ArgumentException("Realized variances must be positive numbers (a day without quotes has none: leave it out).");
        }

        if (trainDays < Month + 10 || trainDays > rv.Count - 10)
        {
            throw new ArgumentException($"A training span of {trainDays} days leaves {rv.Count - trainDays} to test; HAR needs at least {Month + 10} to train and 10 to test ({rv.Count} days given).");
        }

        var forecasts = new List<HarForecast>();
        HarFit fit = null!;
        for (var t = trainDays - 1; t < rv.Count - 1; t++)
        {
            fit = Fit(rv, t);
            var floor = rv.Take(t + 1).Min();
            var har = Math.Max(Forecast(fit, rv, t), floor);
            forecasts.Add(new HarForecast(dates[t + 1], rv[t + 1], har, rv[t]));
        }

        static double Qlike(double actual, double forecast) => (actual / forecast) - Math.Log(actual / forecast) - 1;
        return new HarEvaluation(trainDays, forecasts,
            forecasts.Average(f => (f.Actual - f.Har) * (f.Actual - f.Har)), forecasts.Average(f => (f.Actual - f.Naive) * (f.Actual - f.Naive)),
            forecasts.Average(f => Qlike(f.Actual, f.Har)), forecasts.Average(f => Qlike(f.Actual, f.Naive)), fit);
    }

    private static double[] Regressors(IReadOnlyList<double> rv, int t)
    {
        double Mean(int days)
        {
            var s = 0.0;
            for (var k = t - days + 1; k <= t; k++)
            {
                s += rv[k];
            }

            return s / days;
        }

        return [1, rv[t], Mean(Week), Mean(Month)];
    }
}
