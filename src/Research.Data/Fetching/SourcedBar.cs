namespace Research.Data.Fetching;

/// <summary>A bar and the provider that served it.</summary>
public readonly record struct SourcedBar(DailyBar Bar, string Source);
