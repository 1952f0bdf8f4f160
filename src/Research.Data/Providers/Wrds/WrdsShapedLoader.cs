using System.Globalization;
using DuckDB.NET.Data;
using Npgsql;
using NpgsqlTypes;

namespace Research.Data.Providers.Wrds;

/// <summary>
/// Writes a generated synthetic market into PostgreSQL under WRDS's schema, table and column names and
/// types, so that the real WRDS client can be tested against a local server (and demoed against any):
/// legacy CRSP SIZ (<c>crsp.dsf</c>, <c>crsp.dsenames</c>, <c>crsp.dsedelist</c>), <c>crsp.ccmxpf_lnkhist</c>,
/// <c>comp.funda</c>, <c>comp.fundq</c> and <c>ff.factors_daily</c>. WRDS stores most CRSP numbers (even permno)
/// as double precision; the loader does the same. Each table is replaced in one transaction and filled by
/// binary COPY.
/// </summary>
public sealed class WrdsShapedLoader(string connectionString)
{
    /// <summary>Tables loaded, with their PostgreSQL columns and the DuckDB query over the market's Parquet files.</summary>
    public static IReadOnlyList<WrdsTable> Tables { get; } =
    [
        new("crsp.dsf", "crsp/daily",
            [("permno", "double precision"), ("permco", "double precision"), ("date", "date"), ("hexcd", "double precision"), ("prc", "double precision"),
             ("openprc", "double precision"), ("ret", "double precision"), ("retx", "double precision"), ("vol", "double precision"),
             ("shrout", "double precision"), ("cfacpr", "double precision"), ("cfacshr", "double precision")],
            "SELECT permno, permco, date, hexcd, prc, openprc, ret, retx, vol, shrout, cfacpr, cfacshr FROM {0} ORDER BY permno, date"),
        new("crsp.dsenames", "crsp/names",
            [("permno", "double precision"), ("permco", "double precision"), ("namedt", "date"), ("nameendt", "date"), ("ticker", "varchar(8)"),
             ("comnam", "varchar(35)"), ("shrcd", "double precision"), ("exchcd", "double precision"), ("siccd", "double precision"), ("ncusip", "varchar(8)")],
            "SELECT permno, permco, namedt, nameendt, ticker, comnam, shrcd, exchcd, siccd, ncusip FROM {0} ORDER BY permno, namedt"),
        new("crsp.dsedelist", "crsp/delisting",
            [("permno", "double precision"), ("dlstdt", "date"), ("dlstcd", "double precision"), ("dlret", "double precision")],
            "SELECT permno, dlstdt, dlstcd, dlret FROM {0} ORDER BY permno"),
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

    /// <summary>Loads every table from a market generated into <paramref name="marketFolder"/>; returns rows per table.</summary>
    public async Task<IReadOnlyDictionary<string, long>> LoadAsync(string marketFolder, IProgress<(string Table, double Fraction)>? progress, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var pg = new NpgsqlConnection(connectionString);
        await pg.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        for (var t = 0; t < Tables.Count; t++)
        {
            var table = Tables[t];
            progress?.Report((table.Name, (double)t / Tables.Count));
            var folder = Path.Combine(marketFolder, table.Dataset.Replace('/', Path.DirectorySeparatorChar));
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"{table.Dataset} is missing from the market folder {marketFolder}.");
            }

            var glob = Path.Combine(folder, "**", "*.parquet").Replace("'", "''", StringComparison.Ordinal);
            await using var transaction = await pg.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var schema = table.Name[..table.Name.IndexOf('.', StringComparison.Ordinal)];
            await ExecuteAsync(pg, $"CREATE SCHEMA IF NOT EXISTS {schema}; DROP TABLE IF EXISTS {table.Name}; CREATE TABLE {table.Name} ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\" {c.Type}"))})", cancellationToken).ConfigureAwait(false);
            long rows = 0;
            await using (var importer = await pg.BeginBinaryImportAsync($"COPY {table.Name} ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                using var command = duck.CreateCommand();
                command.CommandText = string.Format(CultureInfo.InvariantCulture, table.Query, $"read_parquet('{glob}')");
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

                        var type = table.Columns[i].Type;
                        if (type == "date")
                        {
                            var value = reader.GetValue(i);
                            await importer.WriteAsync(value is DateOnly d ? d : DateOnly.FromDateTime((DateTime)value), NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
                        }
                        else if (type.StartsWith("varchar", StringComparison.Ordinal))
                        {
                            await importer.WriteAsync(reader.GetString(i), NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await importer.WriteAsync(Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture), NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    rows++;
                }

                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(pg, $"ANALYZE {table.Name}", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            counts[table.Name] = rows;
        }

        progress?.Report(("done", 1));
        return counts;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One WRDS-shaped table: its qualified name, the warehouse dataset it comes from, its columns and the query.</summary>
public sealed record WrdsTable(string Name, string Dataset, IReadOnlyList<(string Name, string Type)> Columns, string Query);
