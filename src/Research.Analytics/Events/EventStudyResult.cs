namespace Research.Analytics.Events;

/// <summary>One event that entered the study: its model and its abnormal returns over the event window.</summary>
/// <param name="Day0">The event day: the first session on or after the event's date.</param>
/// <param name="EstimationDays">Returns in the estimation window (T).</param>
/// <param name="ResidualSd">s: the standard deviation of the estimation residuals (T − k degrees of freedom).</param>
/// <param name="Coefficients">α, β (market model) or α, b, s, h (Fama-French); empty for market-adjusted returns.</param>
/// <param name="AbnormalReturns">Abnormal return per day of the event window.</param>
/// <param name="Car">Cumulative abnormal return per test window.</param>
/// <param name="Bhar">Buy-and-hold abnormal return per test window.</param>
public sealed record EventOutcome(StudyEvent Event, DateOnly Day0, int EstimationDays, double ResidualSd, IReadOnlyList<double> Coefficients,
    IReadOnlyList<double> AbnormalReturns, IReadOnlyList<double> Car, IReadOnlyList<double> Bhar);

/// <summary>An event left out, and why (named so it can be mended).</summary>
public sealed record DroppedEvent(StudyEvent Event, string Reason);

/// <summary>One day of the event window over a group's events: the average abnormal return and the cumulative path with its band.</summary>
/// <param name="CarSd">Cross-sectional standard deviation of the events' CAR from the window's first day to this one.</param>
/// <param name="Lower">Lower end of the confidence interval of the CAAR (cross-sectional t).</param>
/// <param name="MeanRank">K̄: the average centred rank of the day's abnormal returns (Corrado's statistic's numerator).</param>
public sealed record EventDay(int Day, int Events, double Aar, double Caar, double CarSd, double Lower, double Upper, double MeanRank);

/// <summary>The tests of one window's cumulative abnormal return over a group's events (p-values two-sided).</summary>
/// <param name="Caar">Mean CAR.</param>
/// <param name="TStatistic">Cross-sectional t of the mean CAR (N − 1 degrees of freedom).</param>
/// <param name="Patell">Patell's Z: the sum of the events' standardised CARs over √N.</param>
/// <param name="Bmp">Boehmer, Musumeci and Poulsen's standardised cross-sectional t.</param>
/// <param name="AverageCorrelation">r̄: the average correlation of the events' estimation residuals on shared days.</param>
/// <param name="KolariPynnonen">BMP's t adjusted for r̄: t √((1 − r̄)/(1 + (N − 1) r̄)).</param>
/// <param name="Rank">Corrado's rank test, cumulated over the window (Campbell and Wasley), ranks scaled as Kolari and Pynnönen.</param>
/// <param name="Positive">Events with a positive CAR.</param>
/// <param name="ExpectedPositive">N p̂: p̂ the share of positive abnormal returns in the estimation windows (Cowan's generalized sign test).</param>
public sealed record WindowTest(EventWindow Window, int Events, double Caar, double CarSd, double TStatistic, double PValue, double Lower, double Upper,
    double Patell, double PatellP, double Bmp, double BmpP, double AverageCorrelation, int CorrelationPairs, double KolariPynnonen, double KolariPynnonenP,
    double Rank, double RankP, int Positive, double ExpectedPositive, double Sign, double SignP,
    double Bhar, double BharSd, double BharT, double BharP, double BharLower, double BharUpper);

/// <summary>A group's results: the path over the event window and the tests of each test window.</summary>
public sealed record EventGroupResult(string Group, int Events, IReadOnlyList<EventDay> Days, IReadOnlyList<WindowTest> Tests);

/// <summary>An event study's results with its design, every event that entered and every event left out.</summary>
public sealed record EventStudyResult(EventStudyOptions Options, IReadOnlyList<EventGroupResult> Groups, IReadOnlyList<EventOutcome> Events, IReadOnlyList<DroppedEvent> Dropped);
