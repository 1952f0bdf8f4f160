using System.Globalization;
using System.Text;

namespace Research.Core.Text;

/// <summary>
/// Small input files as CSV: comma-separated, a header row (names compared without case), a field may be quoted as
/// RFC 4180 has it (a doubled quote inside is one quote; no line break inside a field). Every bad field stops the read
/// with the file, line and column. Dates are yyyy-MM-dd and numbers use a dot.
/// </summary>
public static class CsvRecords
{
    /// <summary>The file's rows; a missing required column or a row with the wrong field count is refused by name.</summary>
    public static IReadOnlyList<CsvRecord> Read(string path, IReadOnlyList<string> required, IReadOnlyList<string> optional)
    {
        ArgumentNullException.ThrowIfNull(required);
        ArgumentNullException.ThrowIfNull(optional);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        using var reader = new StreamReader(path);
        return Read(reader, path, required, optional);
    }

    /// <summary>Rows from text already open (a pasted table); <paramref name="name"/> stands for the file in messages.</summary>
    public static IReadOnlyList<CsvRecord> Read(TextReader reader, string name, IReadOnlyList<string> required, IReadOnlyList<string> optional)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(required);
        ArgumentNullException.ThrowIfNull(optional);
        var path = name;
        var header = Header(reader.ReadLine() ?? throw new InvalidDataException($"{path}: the file is empty."));
        if (required.FirstOrDefault(c => !header.Contains(c)) is { } missing)
        {
            throw new InvalidDataException($"{path}: column '{missing}' is missing (the header needs {string.Join(",", required)}{(optional.Count > 0 ? ", optionally " + string.Join(",", optional) : string.Empty)}; found {string.Join(",", header)}).");
        }

        var columns = header.Select((h, i) => (h, i)).GroupBy(p => p.h, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var rows = new List<CsvRecord>();
        var line = 1;
        for (var text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (text.Count(c => c == '"') % 2 != 0)
            {
                throw new InvalidDataException($"{path} line {line}: a quoted field does not end on the line (a line break inside a field is not read).");
            }

            var fields = Fields(text).ToArray();
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"{path} line {line}: {fields.Length} fields, the header has {header.Length}.");
            }

            rows.Add(new CsvRecord(path, line, columns, fields));
        }

        return rows;
    }

    /// <summary>The header's column names, trimmed and lower-cased (a byte-order mark dropped); empty for a missing file.</summary>
    public static IReadOnlyList<string> ReadHeader(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var reader = new StreamReader(path);
        return Header(reader.ReadLine() ?? string.Empty);
    }

    private static string[] Header(string line) => [.. Fields(line.Trim().TrimStart('\uFEFF')).Select(h => h.Trim().ToLowerInvariant())];

    /// <summary>One line's fields: split at commas outside double quotes; a quoted field's doubled quote is one quote.</summary>
    public static List<string> Fields(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}

/// <summary>One row of a <see cref="CsvRecords"/> file; every accessor names the file, line and column of a bad value.</summary>
public sealed class CsvRecord
{
    private readonly IReadOnlyDictionary<string, int> _columns;
    private readonly string[] _fields;

    internal CsvRecord(string path, int line, IReadOnlyDictionary<string, int> columns, string[] fields) => (Path, Line, _columns, _fields) = (path, line, columns, fields);

    public string Path { get; }

    public int Line { get; }

    public bool Has(string column) => _columns.TryGetValue(column, out var i) && !string.IsNullOrWhiteSpace(_fields[i]);

    public string Text(string column) => _fields[_columns[column]].Trim() is { Length: > 0 } t ? t : throw Bad(column, string.Empty, "a value");

    public DateOnly Date(string column) =>
        DateOnly.TryParseExact(Text(column), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw Bad(column, Text(column), "a date as yyyy-MM-dd");

    public decimal Number(string column) =>
        decimal.TryParse(Text(column), NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(column, Text(column), "a number");

    public int WholeNumber(string column) =>
        int.TryParse(Text(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(column, Text(column), "a whole number");

    public InvalidDataException Bad(string column, string value, string expected) => new($"{Path} line {Line}, column {column}: '{value}' is not {expected}.");
}
