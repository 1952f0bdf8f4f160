namespace Research.Analytics.Alpha;

/// <summary>A correction for testing many hypotheses (see <see cref="MultipleTesting"/>).</summary>
public enum MultipleTestingMethod
{
    Bonferroni,
    Holm,
    BenjaminiHochberg,
    BenjaminiYekutieli,
}
