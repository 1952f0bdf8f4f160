namespace Research.Analytics.Attribution;

/// <summary>Up- and down-market betas (Newey-West errors) and the Treynor-Mazuy and Henriksson-Merton timing coefficients with their t.</summary>
public sealed record MarketTiming(
    double UpBeta,
    double UpBetaError,
    double DownBeta,
    double DownBetaError,
    double TreynorMazuyGamma,
    double TreynorMazuyT,
    double HenrikssonMertonGamma,
    double HenrikssonMertonT,
    int UpDays,
    int DownDays);
