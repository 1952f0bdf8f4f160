using System.Globalization;
using DuckDB.NET.Data;
using Npgsql;

namespace Research.Data.Providers.Wrds;

/// <summary>
/// Writes a generated synthetic market into PostgreSQL under WRDS's schema, table and column names and
/// types, so that the real WRDS client can be tested against a local server (and demoed against any):
/// legacy CRSP SIZ (<c>crsp.dsf</c>, <c>crsp.dsenames</c>, <c>crsp.dsedelist</c>), current CRSP CIZ
/// (<c>crsp.dsf_v2</c>, <c>crsp.stksecurityinfohist</c>, <c>crsp.stkdelists</c>), <c>crsp.ccmxpf_lnkhist</c>,
/// <c>comp.funda</c>, <c>comp.fundq</c> and <c>ff.factors_daily</c>. WRDS stores most CRSP numbers (even permno)
/// as double precision; the loader does the same. CIZ's descriptive codes come from <see cref="CizCodes"/>.
/// Each table is replaced in one transaction, filled by binary COPY and indexed like WRDS's (permno/date).
/// The daily tables can stop at a date and be extended later (<see cref="AppendDailyAsync"/>), to test incremental syncs.
/// </summary>
public sealed class WrdsShapedLoader(string connectionString)
{
    /// <summary>Tables loaded, with their PostgreSQL columns and the DuckDB query over the market's Parquet files ({0}).</summary>
    public static IReadOnlyList<WrdsTable> Tables { get; } =
    [
        new("crsp.dsf", "crsp/daily",
            [("permno", "double precision"), ("permco", "double precision"), ("date", "date"), ("hexcd", "double precision"), ("prc", "double precision"),
             ("openprc", "double precision"), ("ret", "double precision"), ("retx", "double precision"), ("vol", "double precision"),
             ("shrout", "double precision"), ("cfacpr", "double precision"), ("cfacshr", "double precision")],
            "SELECT permno, permco, date, hexcd, prc, openprc, ret, retx, vol, shrout, cfacpr, cfacshr FROM {0} ORDER BY permno, date",
            CrspFormat.Siz, "date", ["permno, date", "date"]),
        new("crsp.dsenames", "crsp/names",
            [("permno", "double precision"), ("permco", "double precision"), ("namedt", "date"), ("nameendt", "date"), ("ticker", "varchar(8)"),
             ("comnam", "varchar(35)"), ("shrcd", "double precision"), ("exchcd", "double precision"), ("siccd", "double precision"), ("ncusip", "varchar(8)")],
            "SELECT permno, permco, namedt, nameendt, ticker, comnam, shrcd, exchcd, siccd, ncusip FROM {0} ORDER BY permno, namedt",
            CrspFormat.Siz),
        new("crsp.dsedelist", "crsp/delisting",
            [("permno", "double precision"), ("dlstdt", "date"), ("dlstcd", "double precision"), ("dlret", "double precision")],
            "SELECT permno, dlstdt, dlstcd, dlret FROM {0} ORDER BY permno",
            CrspFormat.Siz),
        new("crsp.dsf_v2", "crsp/daily",
            [("permno", "double precision"), ("permco", "double precision"), ("dlycaldt", "date"), ("primaryexch", "varchar(1)"), ("dlyprc", "double precision"),
             ("dlyprcflg", "varchar(2)"), ("dlyopen", "double precision"), ("dlyret", "double precision"), ("dlyretx", "double precision"),
             ("dlyvol", "double precision"), ("shrout", "double precision"), ("dlycumfacpr", "double precision"), ("dlycumfacshr", "double precision")],
            $"SELECT permno, permco, date, {VenueSql("hexcd")}, abs(prc), CASE WHEN prc < 0 THEN 'BA' ELSE 'TR' END, openprc, ret, retx, vol, shrout, cfacpr, cfacshr FROM {{0}} ORDER BY permno, date",
            CrspFormat.Ciz, "date", ["permno, dlycaldt", "dlycaldt"]),
        new("crsp.stksecurityinfohist", "crsp/names",
            [("permno", "double precision"), ("permco", "double precision"), ("secinfostartdt", "date"), ("secinfoenddt", "date"), ("ticker", "varchar(8)"),
             ("issuernm", "varchar(35)"), ("sharetype", "varchar(4)"), ("securitytype", "varchar(4)"), ("securitysubtype", "varchar(4)"),
             ("usincflg", "varchar(1)"), ("issuertype", "varchar(4)"), ("primaryexch", "varchar(1)"), ("siccd", "double precision"), ("cusip", "varchar(8)")],
            $"SELECT permno, permco, namedt, nameendt, ticker, comnam, 'NS', 'EQTY', 'COM', CASE WHEN shrcd = 12 THEN 'N' ELSE 'Y' END, 'CORP', {VenueSql("exchcd")}, siccd, ncusip FROM {{0}} ORDER BY permno, namedt",
            CrspFormat.Ciz),
        new("crsp.stkdelists", "crsp/delisting",
            [("permno", "double precision"), ("delistingdt", "date"), ("delactiontype", "varchar(3)"), ("delstatustype", "varchar(4)"),
             ("delreasontype", "varchar(4)"), ("delpaymenttype", "varchar(4)"), ("delret", "double precision")],
            $"SELECT permno, dlstdt, {DelistingSql(0)}, 'DLST', {DelistingSql(1)}, 'UNKN', dlret FROM {{0}} ORDER BY permno",
            CrspFormat.Ciz),
        new("crsp.ccmxpf_lnkhist", "ccm/links",
            [("gvkey", "varchar(6)"), ("lpermno", "double precision"), ("lpermco", "double precision"), ("linktype", "varchar(2)"),
             ("linkprim", "varchar(1)"), ("linkdt", "date"), ("linkenddt", "date")],
            "SELECT gvkey, lpermno, lpermco, linktype, linkprim, linkdt, linkenddt FROM {0} ORDER BY gvkey, linkdt"),
        new("comp.funda", "compustat/annual",
            [("gvkey", "varchar(6)"), ("datadate", "date"), ("fyear", "double precision"), ("fyr", "double precision"), ("tic", "varchar(8)"),
             ("conm", "varchar(68)"), ("indfmt", "varchar(12)"), ("datafmt", "varchar(12)"), ("popsrc", "varchar(1)"), ("consol", "varchar(2)"),
             ("at", "double precision"), ("lt", "double precision"), ("ceq", "double precision"), ("sale", "double precision"), ("cogs", "double precision"),
             ("xsga", "double precision"), ("ni", "double precision"), ("csho", "double precision"), ("prcc_f", "double precision"), ("txditc", "double precision")],
            "SELECT gvkey, datadate, fyear, fyr, tic, conm, indfmt, datafmt, popsrc, consol, \"at\", \"lt\", ceq, sale, cogs, xsga, ni, csho, prcc_f, txditc FROM {0} ORDER BY gvkey, datadate"),
        new("comp.fundq", "compustat/quarterly",
            [("gvkey", "varchar(6)"), ("datadate", "date"), ("fyearq", "double precision"), ("fqtr", "double precision"), ("fyr", "double precision"),
             ("rdq", "date"), ("tic", "varchar(8)"), ("conm", "varchar(68)"), ("indfmt", "varchar(12)"), ("datafmt", "varchar(12)"), ("popsrc", "varchar(1)"),
             ("consol", "varchar(2)"), ("atq", "double precision"), ("ltq", "double precision"), ("ceqq", "double precision"), ("saleq", "double precision"),
             ("cogsq", "double precision"), ("xsgaq", "double precision"), ("niq", "double precision"), ("cshoq", "double precision"), ("epspxq", "double precision")],
            "SELECT gvkey, datadate, fyearq, fqtr, fyr, rdq, tic, conm, indfmt, datafmt, popsrc, consol, atq, ltq, ceqq, saleq, cogsq, xsgaq, niq, cshoq, epspxq FROM {0} ORDER BY gvkey, datadate"),
        new("ff.factors_daily", "famafrench/factors_daily",
            [("date", "date"), ("mktrf", "double precision"), ("smb", "double precision"), ("hml", "double precision"), ("rf", "double precision"), ("umd", "double precision")],
            "SELECT date, mktrf, smb, hml, rf, umd FROM {0} ORDER BY date"),
    ];

    /// <summary>Loads the tables of <paramref name="format"/> (Auto: both SIZ and CIZ) from a market generated into
    /// <paramref name="marketFolder"/>; daily tables stop at <paramref name="dailyThrough"/> when given. Returns rows per table.</summary>
    public async Task<IReadOnlyDictionary<string, long>> LoadAsync(string marketFolder, IProgress<(string Table, double Fraction)>? progress,
        CancellationToken cancellationToken, CrspFormat format = CrspFormat.Auto, DateOnly? dailyThrough = null)
    {
        var tables = Tables.Where(t => t.Format is null || format == CrspFormat.Auto || t.Format == format).ToList();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var pg = new NpgsqlConnection(connectionString);
        await pg.OpenAsync(cancellationToken).ConfigureAwait(false);
        for (var t = 0; t < tables.Count; t++)
        {
            var table = tables[t];
            progress?.Report((table.Name, (double)t / tables.Count));
            await using var transaction = await pg.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var schema = table.Name[..table.Name.IndexOf('.', StringComparison.Ordinal)];
            await ExecuteAsync(pg, $"CREATE SCHEMA IF NOT EXISTS {schema}; DROP TABLE IF EXISTS {table.Name} CASCADE; CREATE TABLE {table.Name} ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\" {c.Type}"))})", cancellationToken).ConfigureAwait(false);
            var filter = dailyThrough is { } through && table.DateColumn is not null ? $"{table.DateColumn} <= DATE '{through:yyyy-MM-dd}'" : null;
            var rows = await CopyAsync(pg, table, marketFolder, filter, cancellationToken).ConfigureAwait(false);
            foreach (var index in table.Indexes)
            {
                await ExecuteAsync(pg, $"CREATE INDEX ON {table.Name} ({index})", cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(pg, $"ANALYZE {table.Name}", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            counts[table.Name] = rows;
        }

        progress?.Report(("done", 1));
        return counts;
    }

    /// <summary>Appends the market's daily rows after <paramref name="after"/> to the daily tables that exist (SIZ and/or CIZ),
    /// as a new WRDS release would. Returns rows appended per table.</summary>
    public async Task<IReadOnlyDictionary<string, long>> AppendDailyAsync(string marketFolder, DateOnly after, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var pg = new NpgsqlConnection(connectionString);
        await pg.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in Tables.Where(t => t.DateColumn is not null))
        {
            await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{table.Name}') IS NOT NULL", pg))
            {
                if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    continue;
                }
            }

            await using var transaction = await pg.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            counts[table.Name] = await CopyAsync(pg, table, marketFolder, $"{table.DateColumn} > DATE '{after:yyyy-MM-dd}'", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(pg, $"ANALYZE {table.Name}", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return counts;
    }

    private static async Task<long> CopyAsync(NpgsqlConnection pg, WrdsTable table, string marketFolder, string? filter, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(marketFolder, table.Dataset.Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{table.Dataset} is missing from the market folder {marketFolder}.");
        }

        var glob = Path.Combine(folder, "**", "*.parquet").Replace("'", "''", StringComparison.Ordinal);
        var source = filter is null ? $"read_parquet('{glob}')" : $"(SELECT * FROM read_parquet('{glob}') WHERE {filter})";
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        long rows = 0;
        await using var importer = await pg.BeginBinaryImportAsync($"COPY {table.Name} ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        using var command = duck.CreateCommand();
        command.CommandText = string.Format(CultureInfo.InvariantCulture, table.Query, source);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < table.Columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await WrdsShapedTaqLoader.WriteValueAsync(importer, reader.GetValue(i), table.Columns[i].Type, cancellationToken).ConfigureAwait(false);
            }

            rows++;
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static string VenueSql(string column) =>
        $"CASE {column} {string.Join(' ', CizCodes.Exchanges.Select(e => $"WHEN {e.Exchcd} THEN '{e.Venue}'"))} ELSE 'X' END";

    private static string DelistingSql(int part)
    {
        var codes = CizCodes.Delistings.Select(d => d.Code);
        var cases = string.Join(' ', codes.Select(c =>
        {
            var (action, reason) = CizCodes.ForDelistingCode(c);
            return $"WHEN {c} THEN '{(part == 0 ? action : reason)}'";
        }));
        var fallback = part == 0
            ? "CASE dlstcd // 100 WHEN 2 THEN 'MER' WHEN 3 THEN 'EXC' WHEN 4 THEN 'LIQ' ELSE 'DEL' END"
            : "'UNKN'";
        return $"CASE dlstcd {cases} ELSE {fallback} END";
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One WRDS-shaped table: its qualified name, the warehouse dataset it comes from, its columns and the query.</summary>
/// <param name="Name">Qualified table name, e.g. <c>crsp.dsf</c>.</param>
/// <param name="Dataset">The warehouse dataset its rows come from.</param>
/// <param name="Columns">Column names and PostgreSQL types, in order.</param>
/// <param name="Query">The DuckDB query over the dataset that yields the rows.</param>
/// <param name="Format">The CRSP format the table belongs to, or null for tables of both.</param>
/// <param name="DateColumn">The market column that dates a row (daily tables), for cut-offs and appends.</param>
/// <param name="IndexColumns">Indexes created after loading (column lists).</param>
public sealed record WrdsTable(string Name, string Dataset, IReadOnlyList<(string Name, string Type)> Columns, string Query,
    CrspFormat? Format = null, string? DateColumn = null, IReadOnlyList<string>? IndexColumns = null)
{
    public IReadOnlyList<string> Indexes => IndexColumns ?? [];
}
