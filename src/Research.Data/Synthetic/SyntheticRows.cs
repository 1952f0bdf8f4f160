namespace Research.Data.Synthetic;

/// <summary>One CRSP-style daily row, before it is laid out in columns.</summary>
internal record struct DailyRow(int Session, double Price, double? Open, double Return, double ReturnExDividend, double Volume, double Shares, double AdjustmentFactor, double CapBefore);

/// <summary>True style exposures effective from a session (a month start or the listing day).</summary>
internal record struct ExposureRow(int Session, double Size, double Value, double Momentum, double Quality, double LowVol);

/// <summary>The planted alpha score at a session's close.</summary>
internal record struct AlphaRow(int Session, float Score);

/// <summary>One Compustat-style quarterly row (fundq), $ millions and millions of shares.</summary>
internal sealed record QuarterlyRow(
    DateOnly DataDate, int FiscalYear, int FiscalQuarter, int ReportSession, string Ticker, string Name,
    double Assets, double Liabilities, double CommonEquity, double Sales, double CostOfGoods, double Sga,
    double NetIncome, double Shares, double Eps, double ExpectedEps, double EpsSurprise);

/// <summary>One Compustat-style annual row (funda), $ millions and millions of shares.</summary>
internal sealed record AnnualRow(
    DateOnly DataDate, int FiscalYear, string IndustryFormat, string Ticker, string Name,
    double Assets, double Liabilities, double CommonEquity, double Sales, double CostOfGoods, double Sga,
    double NetIncome, double Shares, double PriceClose, double DeferredTaxes);
