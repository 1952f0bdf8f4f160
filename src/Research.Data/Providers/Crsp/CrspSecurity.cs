namespace Research.Data.Providers.Crsp;

/// <summary>A security in the CRSP universe on a date, with its name record in force that day.</summary>
public sealed record CrspSecurity(int Permno, string? Ticker, string? CompanyName, int ShareCode, int ExchangeCode);
