namespace Research.Reports;

/// <summary>A report's PDF could not be made; the message says why (no Chromium, a timeout, Chromium's own words).</summary>
public sealed class ReportPrintException : Exception
{
    public ReportPrintException()
    {
    }

    public ReportPrintException(string message)
        : base(message)
    {
    }

    public ReportPrintException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
