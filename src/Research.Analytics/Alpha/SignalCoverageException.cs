namespace Research.Analytics.Alpha;

/// <summary>Too much of a signal was lost on the way to its analytics (more than <see cref="SignalAnalyticsOptions.MaxDropShare"/>).</summary>
public sealed class SignalCoverageException : Exception
{
    public SignalCoverageException()
    {
    }

    public SignalCoverageException(string message)
        : base(message)
    {
    }

    public SignalCoverageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
