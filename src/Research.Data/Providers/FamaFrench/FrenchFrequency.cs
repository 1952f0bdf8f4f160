namespace Research.Data.Providers.FamaFrench;

/// <summary>Sampling frequency of a Ken French library table, told by its date tokens (YYYYMMDD, YYYYMM, YYYY).</summary>
public enum FrenchFrequency
{
    Daily,
    Monthly,
    Annual,
}
