namespace Research.Data.Providers.Wrds;

/// <summary>
/// CRSP's two table layouts on WRDS. SIZ (legacy: <c>crsp.dsf</c>, <c>crsp.dsenames</c>, <c>crsp.dsedelist</c>) ends
/// with the December 2024 release; CIZ (<c>crsp.dsf_v2</c>, <c>crsp.stksecurityinfohist</c>, <c>crsp.stkdelists</c>)
/// is the format from then on. Both map to one warehouse schema.
/// </summary>
public enum CrspFormat
{
    /// <summary>Use CIZ when <c>crsp.dsf_v2</c> is readable, else SIZ.</summary>
    Auto,

    /// <summary>Legacy stock-and-indexes format.</summary>
    Siz,

    /// <summary>Current flat-file format (CRSP "Flat File Format 2.0").</summary>
    Ciz,
}
