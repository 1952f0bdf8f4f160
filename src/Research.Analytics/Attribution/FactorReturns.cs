namespace Research.Analytics.Attribution;

/// <summary>Daily factor returns (decimals) and the risk-free rate on the same dates, in date order.</summary>
public sealed record FactorReturns(IReadOnlyList<DateOnly> Dates, IReadOnlyList<string> Names, IReadOnlyList<double[]> Values, double[] RiskFree)
{
    /// <summary>The factors each model uses, in regression order.</summary>
    public static IReadOnlyList<string> FactorsOf(AttributionModel model) => model switch
    {
        AttributionModel.Capm => ["mktrf"],
        AttributionModel.Ff3 => ["mktrf", "smb", "hml"],
        AttributionModel.Carhart4 => ["mktrf", "smb", "hml", "umd"],
        AttributionModel.Ff5 => ["mktrf", "smb", "hml", "rmw", "cma"],
        AttributionModel.Ff5Momentum => ["mktrf", "smb", "hml", "rmw", "cma", "umd"],
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };
}
