namespace Research.Analytics.Attribution;

/// <summary>The factor models a return series is attributed to, with the Ken French factors each uses.</summary>
public enum AttributionModel
{
    /// <summary>CAPM: the market excess return (mktrf).</summary>
    Capm,

    /// <summary>Fama and French (1993): mktrf, smb, hml.</summary>
    Ff3,

    /// <summary>Carhart (1997): FF3 and momentum (umd).</summary>
    Carhart4,

    /// <summary>Fama and French (2015): mktrf, smb, hml, rmw, cma.</summary>
    Ff5,

    /// <summary>FF5 and momentum.</summary>
    Ff5Momentum,
}
