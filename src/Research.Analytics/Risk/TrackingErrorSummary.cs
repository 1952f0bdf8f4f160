namespace Research.Analytics.Risk;

/// <summary>Ex-ante tracking error, daily and annualised (× √252), with its factor and specific parts (daily).</summary>
public sealed record TrackingErrorSummary(double Daily, double Annualised, double Factor, double Specific);
