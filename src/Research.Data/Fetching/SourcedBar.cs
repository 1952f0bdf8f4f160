namespace Research.Data.Fetching;

/// <summary>A bar and the provider that served it.</summary>
public sealed record SourcedBar(DailyBar Bar, string Source);
