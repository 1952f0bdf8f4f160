using System.Globalization;
using DuckDB.NET.Data;
using Npgsql;
using NpgsqlTypes;
using Research.Core.Calendars;

namespace Research.Data.Providers.Wrds;

/// <summary>
/// Writes the synthetic market's intraday ticks into PostgreSQL as WRDS millisecond TAQ names them
/// (<see cref="WrdsTaq"/>): per day <c>taqm_YYYY.ctm_YYYYMMDD</c>, <c>cqm_YYYYMMDD</c>, <c>complete_nbbo_YYYYMMDD</c> and
/// <c>mastm_YYYYMMDD</c>, with WRDS's columns and units (quote sizes in round lots). Next to every clean tick it plants,
/// per symbol-day, the rows the cleaning must remove (see <see cref="PlantedPerSymbolDay"/>), so that a sync through the
/// real client that reproduces the market's own ticks shows the cleaning works.
/// </summary>
public sealed class WrdsShapedTaqLoader(string connectionString)
{
    /// <summary>Dirty rows planted per symbol-day: trades (a corrected trade, an out-of-sequence trade, a form-T trade
    /// before the open, a regular trade after the close, a zero price, a trade of a preferred share) and NBBO quotes (crossed, a
    /// zero bid, before the open, a spread of 100 times the usual, a non-firm quote condition, a preferred share).</summary>
    public static (int Trades, int Quotes) PlantedPerSymbolDay => (6, 6);

    private static readonly (string Name, string Type)[] CtmColumns =
    [
        ("date", "date"), ("time_m", "time"), ("time_m_nano", "smallint"), ("ex", "varchar(1)"), ("sym_root", "varchar(6)"), ("sym_suffix", "varchar(10)"),
        ("tr_scond", "varchar(4)"), ("size", "integer"), ("price", "double precision"), ("tr_stop_ind", "varchar(1)"), ("tr_corr", "varchar(2)"),
        ("tr_seqnum", "bigint"), ("tr_source", "varchar(1)"), ("tr_rf", "varchar(1)"),
    ];

    private static readonly (string Name, string Type)[] CqmColumns =
    [
        ("date", "date"), ("time_m", "time"), ("time_m_nano", "smallint"), ("ex", "varchar(1)"), ("sym_root", "varchar(6)"), ("sym_suffix", "varchar(10)"),
        ("bid", "double precision"), ("bidsiz", "integer"), ("ask", "double precision"), ("asksiz", "integer"), ("qu_cond", "varchar(1)"),
        ("qu_seqnum", "bigint"), ("natbbo_ind", "varchar(1)"), ("qu_source", "varchar(1)"),
    ];

    private static readonly (string Name, string Type)[] NbboColumns =
    [
        .. CqmColumns,
        ("best_bidex", "varchar(1)"), ("best_bid", "double precision"), ("best_bidsiz", "integer"),
        ("best_askex", "varchar(1)"), ("best_ask", "double precision"), ("best_asksiz", "integer"),
    ];

    private static readonly (string Name, string Type)[] MasterColumns =
    [
        ("date", "date"), ("symbol_15", "varchar(15)"), ("sym_root", "varchar(6)"), ("sym_suffix", "varchar(10)"), ("cusip", "varchar(9)"),
        ("sec_desc", "varchar(60)"), ("sec_tp", "varchar(3)"), ("listed_exch", "varchar(1)"), ("roundlot", "integer"),
    ];

    /// <summary>Loads every day of the market's <c>taq/trades</c> and <c>taq/quotes</c> (replacing those days' tables).
    /// Returns rows per table.</summary>
    public async Task<IReadOnlyDictionary<string, long>> LoadAsync(string marketFolder, IProgress<(string Table, double Fraction)>? progress, CancellationToken cancellationToken)
    {
        var tradesFolder = Path.Combine(marketFolder, "taq", "trades");
        var quotesFolder = Path.Combine(marketFolder, "taq", "quotes");
        if (!Directory.Exists(tradesFolder) || !Directory.Exists(quotesFolder))
        {
            throw new DirectoryNotFoundException($"taq/trades or taq/quotes is missing from the market folder {marketFolder} (generate it with intraday symbols).");
        }

        var dates = Directory.GetDirectories(tradesFolder, "date=*")
            .Select(d => DateOnly.ParseExact(Path.GetFileName(d)["date=".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Order().ToList();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var pg = new NpgsqlConnection(connectionString);
        await pg.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        for (var i = 0; i < dates.Count; i++)
        {
            var date = dates[i];
            progress?.Report((WrdsTaq.Trades(date), (double)i / dates.Count));
            var hours = NyseCalendar.Instance.GetSessionHours(date) ?? throw new InvalidDataException($"taq ticks on {date:yyyy-MM-dd}, which is not an NYSE session.");
            var closeUs = (long)hours.Close.ToTimeSpan().TotalMicroseconds;
            var trades = Glob(tradesFolder, date);
            var quotes = Glob(quotesFolder, date);
            await using var transaction = await pg.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(pg, $"CREATE SCHEMA IF NOT EXISTS {WrdsTaq.Schema(date)}", cancellationToken).ConfigureAwait(false);
            counts[WrdsTaq.Trades(date)] = await LoadTableAsync(pg, duck, WrdsTaq.Trades(date), CtmColumns, TradesQuery(trades, closeUs), ["sym_root, time_m"], cancellationToken).ConfigureAwait(false);
            counts[WrdsTaq.Quotes(date)] = await LoadTableAsync(pg, duck, WrdsTaq.Quotes(date), CqmColumns, QuotesQuery(quotes, nbbo: false), ["sym_root, time_m"], cancellationToken).ConfigureAwait(false);
            counts[WrdsTaq.Nbbo(date)] = await LoadTableAsync(pg, duck, WrdsTaq.Nbbo(date), NbboColumns, QuotesQuery(quotes, nbbo: true), ["sym_root, time_m"], cancellationToken).ConfigureAwait(false);
            counts[WrdsTaq.Master(date)] = await LoadTableAsync(pg, duck, WrdsTaq.Master(date), MasterColumns,
                $"SELECT DISTINCT date, sym_root, sym_root, NULL, '9' || lpad(CAST(hash(sym_root) % 100000000 AS VARCHAR), 8, '0'), sym_root || ' COMMON STOCK', 'A', 'N', 100 FROM {trades} ORDER BY 2",
                ["sym_root"], cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(("done", 1));
        return counts;
    }

    private static string Glob(string folder, DateOnly date) =>
        $"read_parquet('{Path.Combine(folder, "date=" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "*.parquet").Replace("'", "''", StringComparison.Ordinal)}', file_row_number = true, hive_partitioning = false)";

    /// <summary>The clean trades in file order (sequence numbers by it) and the planted dirty ones, in WRDS's columns
    /// (time in microseconds, converted when written).</summary>
    private static string TradesQuery(string source, long closeUs)
    {
        const string Columns = "date, time_m_us, 0::SMALLINT AS nano, 'N' AS ex, sym_root";
        return "WITH t AS (SELECT *, row_number() OVER (PARTITION BY sym_root ORDER BY time_m_us, file_row_number) AS seq, " +
            $"count(*) OVER (PARTITION BY sym_root) AS n FROM {source}) " +
            $"SELECT {Columns}, NULL, '@', size, price, NULL, '00', seq * 10, 'C', NULL FROM t " +
            // T1: a corrected trade; T2: an out-of-sequence trade and a form-T trade before the open; P1: a regular trade after the close; P2: a zero price; a preferred share.
            $"UNION ALL SELECT {Columns}, NULL, '@', size, price * 1.5, NULL, '01', seq * 10 + 1, 'C', NULL FROM t WHERE seq = (n + 1) // 2 " +
            $"UNION ALL SELECT {Columns}, NULL, 'Z', size, price * 0.5, NULL, '00', seq * 10 + 1, 'C', NULL FROM t WHERE seq = (n + 2) // 3 " +
            $"UNION ALL SELECT date, 28800000000, 0, 'N', sym_root, NULL, 'T', size, price, NULL, '00', 1, 'C', NULL FROM t WHERE seq = 1 " +
            $"UNION ALL SELECT date, {closeUs + 300_000_000L}, 0, 'N', sym_root, NULL, '@', size, price, NULL, '00', seq * 10 + 1, 'C', NULL FROM t WHERE seq = n " +
            $"UNION ALL SELECT {Columns}, NULL, '@', size, 0, NULL, '00', seq * 10 + 1, 'C', NULL FROM t WHERE seq = (n + 3) // 4 " +
            $"UNION ALL SELECT {Columns}, 'PRA', '@', size, price * 0.2, NULL, '00', seq * 10 + 2, 'C', NULL FROM t WHERE seq = (n + 4) // 5 " +
            "ORDER BY sym_root, time_m_us, 12";
    }

    /// <summary>The clean quotes (condition R, sizes in lots) and the planted dirty ones; as the NBBO also the best bid and ask.</summary>
    private static string QuotesQuery(string source, bool nbbo)
    {
        static string Row(string time, string suffix, string bid, string ask, string condition, string seq) =>
            $"date, {time}, 0::SMALLINT, 'N', sym_root, {suffix}, {bid}, bidsiz // 100, {ask}, asksiz // 100, {condition}, {seq}, '1', 'C'";
        var best = nbbo ? ", 'N', {0}, bidsiz // 100, 'N', {1}, asksiz // 100" : string.Empty;
        string Select(string time, string suffix, string bid, string ask, string condition, string seq, string where) =>
            $"SELECT {Row(time, suffix, bid, ask, condition, seq)}{string.Format(CultureInfo.InvariantCulture, best, bid, ask)} FROM q{where}";
        return "WITH q AS (SELECT *, row_number() OVER (PARTITION BY sym_root ORDER BY time_m_us, file_row_number) AS seq, " +
            $"count(*) OVER (PARTITION BY sym_root) AS n FROM {source}) " +
            Select("time_m_us", "NULL", "bid", "ask", "'R'", "seq * 10", string.Empty) +
            // Q2: crossed; P2: zero bid; P1: before the open; Q3: a spread 100 times the usual; a non-firm quote; a preferred share.
            " UNION ALL " + Select("time_m_us", "NULL", "ask + 0.05", "bid", "'R'", "seq * 10 + 1", " WHERE seq = (n + 1) // 2") +
            " UNION ALL " + Select("time_m_us", "NULL", "0", "ask", "'R'", "seq * 10 + 1", " WHERE seq = (n + 2) // 3") +
            " UNION ALL " + Select("30600000000", "NULL", "bid", "ask", "'R'", "1", " WHERE seq = 1") +
            " UNION ALL " + Select("time_m_us", "NULL", "greatest(0.01, bid - 100 * (ask - bid))", "ask + 100 * (ask - bid)", "'R'", "seq * 10 + 1", " WHERE seq = (n + 3) // 4") +
            " UNION ALL " + Select("time_m_us", "NULL", "bid", "ask", "'D'", "seq * 10 + 1", " WHERE seq = (n + 4) // 5") +
            " UNION ALL " + Select("time_m_us", "'PRA'", "bid * 0.2", "ask * 0.2", "'R'", "seq * 10 + 2", " WHERE seq = (n + 5) // 6") +
            " ORDER BY sym_root, 2, 12";
    }

    private static async Task<long> LoadTableAsync(NpgsqlConnection pg, DuckDBConnection duck, string table, (string Name, string Type)[] columns, string query,
        IReadOnlyList<string> indexes, CancellationToken cancellationToken)
    {
        await ExecuteAsync(pg, $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({string.Join(", ", columns.Select(c => $"{c.Name} {c.Type}"))})", cancellationToken).ConfigureAwait(false);
        long rows = 0;
        await using (var importer = await pg.BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            using var command = duck.CreateCommand();
            command.CommandText = query;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < columns.Length; i++)
                {
                    if (reader.IsDBNull(i))
                    {
                        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    await WriteValueAsync(importer, reader.GetValue(i), columns[i].Type, cancellationToken).ConfigureAwait(false);
                }

                rows++;
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var index in indexes)
        {
            await ExecuteAsync(pg, $"CREATE INDEX ON {table} ({index})", cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(pg, $"ANALYZE {table}", cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Writes one non-null value from DuckDB as the PostgreSQL column type (date, time from microseconds, smallint,
    /// integer, bigint, double precision, or text for varchar): the WRDS-shaped loaders' one conversion.</summary>
    internal static async Task WriteValueAsync(NpgsqlBinaryImporter importer, object value, string type, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case "date":
                await importer.WriteAsync(value is DateOnly d ? d : DateOnly.FromDateTime((DateTime)value), NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
                break;
            case "time":
                await importer.WriteAsync(TimeSpan.FromMicroseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture)), NpgsqlDbType.Time, cancellationToken).ConfigureAwait(false);
                break;
            case "smallint":
                await importer.WriteAsync(Convert.ToInt16(value, CultureInfo.InvariantCulture), NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                break;
            case "integer":
                await importer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                break;
            case "bigint":
                await importer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                break;
            case "double precision":
                await importer.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await importer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
