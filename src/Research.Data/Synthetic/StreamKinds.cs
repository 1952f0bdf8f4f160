namespace Research.Data.Synthetic;

/// <summary>Kinds of random stream; each (seed, kind, index) triple is an independent stream.</summary>
internal static class StreamKinds
{
    public const ulong Market = 1;
    public const ulong Listings = 2;
    public const ulong SecurityPlan = 3;
    public const ulong SecurityPath = 4;
    public const ulong Intraday = 5;
}
