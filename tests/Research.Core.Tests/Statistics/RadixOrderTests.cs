using Research.Core.Statistics;

namespace Research.Core.Tests.Statistics;

/// <summary>The radix order equals a stable comparison sort, ties by position, on data built to stress it.</summary>
public sealed class RadixOrderTests
{
    private static int[] Expected(double[] values) => [.. Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ThenBy(i => i)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_order_is_a_stable_sort_by_value(int seed)
    {
        var random = new Random(seed);
        var order = new RadixOrder();
        foreach (var n in new[] { 0, 1, 2, 7, 100, 3000 })
        {
            // Mixed signs and magnitudes, exact ties, values that differ only in their low bits, zeros of both signs, infinities.
            var values = Enumerable.Range(0, n).Select(i => (i % 7) switch
            {
                0 => Math.Round(random.NextDouble() - 0.5, 3),
                1 => 1.0 + (random.Next(4) * Math.Pow(2, -50)),
                2 => -1.0 - (random.Next(4) * Math.Pow(2, -50)),
                3 => random.Next(2) == 0 ? 0.0 : -0.0,
                4 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)),
                5 => random.Next(3) == 0 ? double.PositiveInfinity : double.NegativeInfinity,
                _ => random.NextDouble(),
            }).ToArray();
            var result = new int[n];
            order.Order(values, result);
            Assert.Equal(Expected(values), result);
        }
    }

    [Fact]
    public void All_keys_sharing_the_top_bits_are_still_ordered_exactly()
    {
        var values = Enumerable.Range(0, 500).Select(i => 1.0 + ((499 - i) * Math.Pow(2, -52))).ToArray();
        var result = new int[values.Length];
        new RadixOrder().Order(values, result);
        Assert.Equal(Enumerable.Range(0, 500).Reverse(), result);
    }

    [Fact]
    public void Values_packed_within_one_bucket_with_ties_keep_ties_in_position_order()
    {
        // 2,000 values within a millionth of 1: one bucket of the radix passes, past the insertion budget, with many exact ties.
        var random = new Random(5);
        var values = Enumerable.Range(0, 2000).Select(_ => 1.0 + (random.Next(50) * 1e-8)).ToArray();
        var result = new int[values.Length];
        new RadixOrder().Order(values, result);
        Assert.Equal(Expected(values), result);
    }
}
