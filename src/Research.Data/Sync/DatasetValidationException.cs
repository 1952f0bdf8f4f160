using Research.Data.Quality;

namespace Research.Data.Sync;

/// <summary>A sync whose data failed validation: the version was quarantined and CURRENT did not move.</summary>
public sealed class DatasetValidationException : Exception
{
    public DatasetValidationException()
    {
    }

    public DatasetValidationException(string message)
        : base(message)
    {
    }

    public DatasetValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DatasetValidationException(ValidationReport report, string quarantinedVersion)
        : base($"{report.Summary()} -> quarantined as {quarantinedVersion}; CURRENT unchanged.")
    {
        Report = report;
        QuarantinedVersion = quarantinedVersion;
    }

    public ValidationReport? Report { get; }

    public string? QuarantinedVersion { get; }
}
