namespace Research.Data.Fetching;

/// <summary>A run of consecutive bars one provider served for a symbol: the record of who served which dates.</summary>
public sealed record SourceSpan(string Source, DateOnly First, DateOnly Last, int Bars, bool FromCache);
