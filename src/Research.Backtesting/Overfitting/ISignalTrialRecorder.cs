namespace Research.Backtesting.Overfitting;

/// <summary>The trial ledger as a cluster job writes to it: each trial under an id of its own, recorded at most once (a job resumed after a silo's loss records again without doubling).</summary>
public interface ISignalTrialRecorder
{
    Task RecordOnceAsync(IReadOnlyList<(string TrialId, SignalTrial Trial)> trials, CancellationToken cancellationToken = default);
}
