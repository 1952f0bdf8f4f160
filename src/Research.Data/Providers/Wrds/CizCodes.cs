namespace Research.Data.Providers.Wrds;

/// <summary>
/// How CIZ's descriptive fields map back to the SIZ codes the warehouse keeps (<c>shrcd</c>, <c>exchcd</c>,
/// <c>dlstcd</c>), in one place for the WRDS source (CIZ to warehouse) and the WRDS-shaped loader (the reverse).
/// <list type="bullet">
/// <item>Share code: ordinary common shares (<c>sharetype</c> NS, <c>securitytype</c> EQTY, <c>securitysubtype</c> COM)
/// of a US-incorporated issuer (<c>usincflg</c> Y) map to 11, foreign-incorporated (N) to 12; anything else has no
/// SIZ share code (NULL) and so stays out of the 10/11 universe, as it would in SIZ. CIZ cannot tell SIZ's 10 from
/// 11 (both are ordinary common shares); both arrive as 11.</item>
/// <item>Exchange: <c>primaryexch</c> N, A, Q, R map to 1 (NYSE), 2 (NYSE American/AMEX), 3 (Nasdaq), 4 (Arca); other venues to NULL.</item>
/// <item>Delisting code: the (action, reason) pairs below map to the SIZ code exactly; any other pair maps to the
/// family's round code from the action (MER 200, EXC 300, LIQ 400, DEL 500), which keeps the Shumway rule (codes
/// 500 and 520-584) right for dropped securities. The pairs are this project's crosswalk for the codes the synthetic
/// market emits; check them against CRSP's published SIZ-to-CIZ crosswalk before relying on exact codes from real WRDS.</item>
/// </list>
/// </summary>
public static class CizCodes
{
    /// <summary>(delactiontype, delreasontype) to dlstcd.</summary>
    public static IReadOnlyList<(string Action, string Reason, int Code)> Delistings { get; } =
    [
        ("MER", "CASH", 231), ("MER", "STCK", 233), ("MER", "MIXD", 241),
        ("DEL", "PRCE", 552), ("DEL", "CAPT", 560), ("DEL", "NOMM", 574), ("DEL", "DELQ", 580), ("DEL", "OTHR", 584),
    ];

    public static IReadOnlyList<(string Venue, int Exchcd)> Exchanges { get; } = [("N", 1), ("A", 2), ("Q", 3), ("R", 4)];

    /// <summary>SQL expression mapping <c>primaryexch</c> to an SIZ exchange code.</summary>
    public static string ExchangeSql(string column) =>
        $"CASE {column} {string.Join(' ', Exchanges.Select(e => $"WHEN '{e.Venue}' THEN {e.Exchcd}"))} END";

    /// <summary>SQL expression giving the SIZ share code from CIZ's share fields.</summary>
    public const string ShareCodeSql =
        "CASE WHEN sharetype = 'NS' AND securitytype = 'EQTY' AND securitysubtype = 'COM' THEN CASE usincflg WHEN 'Y' THEN 11 WHEN 'N' THEN 12 END END";

    /// <summary>SQL expression giving dlstcd from <c>delactiontype</c> and <c>delreasontype</c>.</summary>
    public static string DelistingCodeSql(string action, string reason) =>
        $"CASE {string.Join(' ', Delistings.Select(d => $"WHEN {action} = '{d.Action}' AND {reason} = '{d.Reason}' THEN {d.Code}"))} " +
        $"WHEN {action} = 'MER' THEN 200 WHEN {action} = 'EXC' THEN 300 WHEN {action} = 'LIQ' THEN 400 WHEN {action} = 'DEL' THEN 500 END";

    /// <summary>The CIZ action and reason for an SIZ delisting code (the loader's direction).</summary>
    public static (string Action, string Reason) ForDelistingCode(int code)
    {
        foreach (var d in Delistings)
        {
            if (d.Code == code)
            {
                return (d.Action, d.Reason);
            }
        }

        return (code / 100) switch
        {
            2 => ("MER", "UNKN"),
            3 => ("EXC", "UNKN"),
            4 => ("LIQ", "UNKN"),
            _ => ("DEL", "UNKN"),
        };
    }

    /// <summary>The CIZ venue for an SIZ exchange code.</summary>
    public static string VenueFor(int exchcd) => Exchanges.FirstOrDefault(e => e.Exchcd == exchcd).Venue ?? "X";
}
