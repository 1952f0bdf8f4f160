namespace Research.Core.Randomness;

/// <summary>
/// xoshiro256** pseudo-random generator (Blackman and Vigna, "Scrambled linear pseudorandom number
/// generators", 2018), seeded through SplitMix64. Unlike <see cref="Random"/>, its output is specified by
/// the algorithm and never changes between .NET versions, which is what byte-identical synthetic data needs.
/// Not thread-safe: give every independent stream (a security, a factor path) its own instance from
/// <see cref="ForStream"/>.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public DeterministicRandom(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>
    /// An independent stream for (seed, stream kind, index): the same triple always gives the same stream,
    /// whatever order streams are created in or which thread uses them.
    /// </summary>
    public static DeterministicRandom ForStream(ulong seed, ulong kind, ulong index)
    {
        var sm = seed ^ 0x9E3779B97F4A7C15UL;
        var a = SplitMix64(ref sm) ^ (kind * 0xD1B54A32D192ED03UL);
        var b = SplitMix64(ref a) ^ (index * 0xABC98388FB8FAC03UL);
        return new DeterministicRandom(SplitMix64(ref b));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive) => (int)(NextDouble() * maxExclusive);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>Standard normal by the Marsaglia polar method.</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        double u;
        double v;
        double s;
        do
        {
            u = (2.0 * NextDouble()) - 1.0;
            v = (2.0 * NextDouble()) - 1.0;
            s = (u * u) + (v * v);
        }
        while (s >= 1.0 || s == 0.0);

        var factor = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        _hasSpare = true;
        return u * factor;
    }

    /// <summary>
    /// Student-t with <paramref name="degreesOfFreedom"/> (an integer &gt; 2) scaled to unit variance:
    /// Z / sqrt(chi2_nu / nu) * sqrt((nu - 2) / nu).
    /// </summary>
    public double NextStudentT(int degreesOfFreedom)
    {
        var z = NextGaussian();
        var chi2 = 0.0;
        for (var i = 0; i < degreesOfFreedom; i++)
        {
            var g = NextGaussian();
            chi2 += g * g;
        }

        return z / Math.Sqrt(chi2 / degreesOfFreedom) * Math.Sqrt((degreesOfFreedom - 2.0) / degreesOfFreedom);
    }

    /// <summary>Poisson count with the given mean: exact (Knuth's product of uniforms) up to a mean of 30, the normal
    /// approximation above.</summary>
    public int NextPoisson(double mean)
    {
        if (mean > 30)
        {
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * NextGaussian())));
        }

        var limit = Math.Exp(-mean);
        var product = NextDouble();
        var count = 0;
        while (product > limit)
        {
            product *= NextDouble();
            count++;
        }

        return count;
    }

    /// <summary>Exponential with the given mean.</summary>
    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
