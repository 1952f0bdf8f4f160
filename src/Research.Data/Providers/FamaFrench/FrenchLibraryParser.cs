using System.Globalization;
using System.IO.Compression;

namespace Research.Data.Providers.FamaFrench;

/// <summary>
/// Parses Ken French data library files (CSV, or the zip holding one), in both the older format (header text
/// "created by CMPT_..."), and the 2025 format:
/// 1. Lines before the first table header are the description.
/// 2. A table is an optional title line, a header line starting with ',' (column names, trimmed), and data
///    lines "DATE, v1, v2, ..." until a blank line or a non-data line; the next title or header starts the next table.
/// 3. The date token's length gives the frequency (8 daily, 6 monthly, 4 annual); a table mixing them is an error.
/// 4. Return tables (title mentions "Return", factor tables, untitled tables) are percent and become decimals;
///    others (number of firms, firm size, BE/ME) keep their units. -99.99 and -999 become NULL.
/// Errors name the file, the line and the column.
/// </summary>
public static class FrenchLibraryParser
{
    /// <summary>Parses a .csv/.CSV file or a .zip with one CSV inside.</summary>
    public static FrenchFile ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipArchive zip;
            try
            {
                zip = ZipFile.OpenRead(path);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)}: not a readable zip archive ({e.Message}).", e);
            }

            using (zip)
            {
                var entries = zip.Entries.Where(e => e.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).ToList();
                if (entries.Count != 1)
                {
                    throw new InvalidDataException($"{Path.GetFileName(path)}: expected one CSV inside the zip, found {entries.Count} ({string.Join(", ", zip.Entries.Select(e => e.Name))}).");
                }

                try
                {
                    using var reader = new StreamReader(entries[0].Open());
                    return Parse(reader, $"{Path.GetFileName(path)}!{entries[0].Name}");
                }
                catch (InvalidDataException e) when (e.InnerException is not null || e.Message.Contains("block", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"{Path.GetFileName(path)}: the zip is corrupt ({e.Message}).", e);
                }
            }
        }

        using var file = new StreamReader(path);
        return Parse(file, Path.GetFileName(path));
    }

    /// <summary>Parses CSV text.</summary>
    public static FrenchFile Parse(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var description = new List<string>();
        var tables = new List<FrenchTable>();
        var warnings = new List<string>();
        string? pendingTitle = null;
        TableBuilder? current = null;
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var text = line.TrimEnd('\r');
            var trimmed = text.Trim();
            if (trimmed.StartsWith(','))
            {
                Finish();
                var columns = trimmed[1..].Split(',').Select(c => c.Trim()).ToList();
                if (columns.Any(c => c.Length == 0))
                {
                    throw new InvalidDataException($"{name} line {lineNumber}: empty column name in header '{trimmed}'.");
                }

                current = new TableBuilder(pendingTitle ?? string.Empty, columns, lineNumber);
                pendingTitle = null;
                continue;
            }

            if (current is not null && trimmed.Length > 0 && char.IsAsciiDigit(trimmed[0]))
            {
                current.Add(trimmed, name, lineNumber);
                continue;
            }

            Finish();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (tables.Count == 0 && pendingTitle is null && !LooksLikeTitle(text))
            {
                description.Add(trimmed);
                continue;
            }

            if (trimmed.StartsWith("Copyright", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            pendingTitle = trimmed;
        }

        Finish();
        if (tables.Count == 0)
        {
            throw new InvalidDataException($"{name}: no table found (a table starts with a header line beginning with ',').");
        }

        if (description.Count == 0)
        {
            warnings.Add($"{name}: the file has no description text; its tables are read as percent returns, the library's convention for untitled tables.");
        }

        return new FrenchFile(name, string.Join('\n', description), tables, warnings);

        void Finish()
        {
            if (current is null)
            {
                return;
            }

            tables.Add(current.Build(name));
            current = null;
        }
    }

    private static bool LooksLikeTitle(string line) => line.StartsWith(' ') && line.Trim().Length > 0;

    private sealed class TableBuilder(string title, List<string> columns, int firstLine)
    {
        private readonly List<DateOnly> _dates = [];
        private readonly List<double?[]> _values = [];
        private FrenchFrequency? _frequency;

        private bool IsPercent => title.Length == 0 || title.Contains("Return", StringComparison.OrdinalIgnoreCase) || title.Contains("Factors", StringComparison.OrdinalIgnoreCase);

        public void Add(string line, string name, int lineNumber)
        {
            var fields = line.Split(',');
            if (fields.Length != columns.Count + 1)
            {
                throw new InvalidDataException($"{name} line {lineNumber}: {fields.Length - 1} values for {columns.Count} columns ({string.Join(", ", columns)}).");
            }

            var token = fields[0].Trim();
            var (date, frequency) = token.Length switch
            {
                8 => (ParseDate(token, "yyyyMMdd", name, lineNumber), FrenchFrequency.Daily),
                6 => (EndOfMonth(ParseDate(token + "01", "yyyyMMdd", name, lineNumber)), FrenchFrequency.Monthly),
                4 => (ParseDate(token + "1231", "yyyyMMdd", name, lineNumber), FrenchFrequency.Annual),
                _ => throw new InvalidDataException($"{name} line {lineNumber}: '{token}' is not a YYYYMMDD, YYYYMM or YYYY date."),
            };
            if (_frequency is { } existing && existing != frequency)
            {
                throw new InvalidDataException($"{name} line {lineNumber}: a {frequency} row inside a {existing} table (header at line {firstLine}).");
            }

            _frequency = frequency;
            var values = new double?[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                var field = fields[i + 1].Trim();
                if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var x))
                {
                    throw new InvalidDataException($"{name} line {lineNumber} column '{columns[i]}': '{field}' is not a number.");
                }

                values[i] = x is -99.99 or -999 ? null : IsPercent ? x / 100.0 : x;
            }

            _dates.Add(date);
            _values.Add(values);
        }

        public FrenchTable Build(string name) => _frequency is { } frequency
            ? new FrenchTable(title, frequency, columns, _dates, _values, IsPercent, firstLine)
            : throw new InvalidDataException($"{name} line {firstLine}: table '{title}' has a header but no rows.");

        private static DateOnly ParseDate(string token, string format, string name, int lineNumber) =>
            DateOnly.TryParseExact(token, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d
                : throw new InvalidDataException($"{name} line {lineNumber}: '{token}' is not a valid date.");

        private static DateOnly EndOfMonth(DateOnly d) => new(d.Year, d.Month, DateTime.DaysInMonth(d.Year, d.Month));
    }
}
