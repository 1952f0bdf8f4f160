namespace Research.Analytics.Factors;

/// <summary>
/// The Fama-French 10-industry classification of four-digit SIC codes (Ken French's <c>Siccodes10</c>
/// definition): consumer non-durables, durables, manufacturing, energy, high tech, telecom, shops, health,
/// utilities, and everything else.
/// </summary>
public static class Ff10Industries
{
    /// <summary>Industry names in index order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["NoDur", "Durbl", "Manuf", "Enrgy", "HiTec", "Telcm", "Shops", "Hlth", "Utils", "Other"];

    private static readonly (int Industry, int From, int To)[] Ranges =
    [
        (0, 100, 999), (0, 2000, 2399), (0, 2700, 2749), (0, 2770, 2799), (0, 3100, 3199), (0, 3940, 3989),
        (1, 2500, 2519), (1, 2590, 2599), (1, 3630, 3659), (1, 3710, 3711), (1, 3714, 3714), (1, 3716, 3716),
        (1, 3750, 3751), (1, 3792, 3792), (1, 3900, 3939), (1, 3990, 3999),
        (2, 2520, 2589), (2, 2600, 2699), (2, 2750, 2769), (2, 2800, 2829), (2, 2840, 2899), (2, 3000, 3099),
        (2, 3200, 3569), (2, 3580, 3621), (2, 3623, 3629), (2, 3700, 3709), (2, 3712, 3713), (2, 3715, 3715),
        (2, 3717, 3749), (2, 3752, 3791), (2, 3793, 3799), (2, 3860, 3899),
        (3, 1200, 1399), (3, 2900, 2999),
        (4, 3570, 3579), (4, 3622, 3622), (4, 3660, 3692), (4, 3694, 3699), (4, 3810, 3839), (4, 7370, 7379),
        (4, 7391, 7391), (4, 8730, 8734),
        (5, 4800, 4899),
        (6, 5000, 5999), (6, 7200, 7299), (6, 7600, 7699),
        (7, 2830, 2839), (7, 3693, 3693), (7, 3840, 3859), (7, 8000, 8099),
        (8, 4900, 4949),
    ];

    /// <summary>Industry index (0-9) of a SIC code; codes in no range (and 0 or missing) are "Other" (9).</summary>
    public static int Classify(int sic)
    {
        foreach (var (industry, from, to) in Ranges)
        {
            if (sic >= from && sic <= to)
            {
                return industry;
            }
        }

        return 9;
    }
}
