using System.Diagnostics;

namespace Research.Cli.Commands.Bench;

/// <summary>Timing shared by the benchmark suites.</summary>
internal static class BenchTiming
{
    /// <summary>Runs <paramref name="action"/> twice to warm up, then <paramref name="repetitions"/> times; returns the median in milliseconds.</summary>
    public static double Median(int repetitions, Action action)
    {
        action();
        action();
        var samples = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        return samples[samples.Count / 2];
    }
}
