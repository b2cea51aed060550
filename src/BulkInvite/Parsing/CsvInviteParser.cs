using System.Runtime.CompilerServices;
using BulkInvite.Parsing;

namespace BulkInvite;

/// <summary>
/// Reads CSV files with a header row (RFC 4180 quoting): the address column is found by name
/// (<c>email</c>, <c>e-mail</c>, <c>email address</c>, ...), the other columns are kept as per-recipient fields.
/// </summary>
/// <remarks>
/// <para>
/// The delimiter is a comma, or a semicolon or tab when the header line holds more of those (outside quotes).
/// Quoted fields may hold delimiters, doubled quotes and line breaks; <see cref="InviteEntry.Line"/> is the line
/// where the row starts. Every field is trimmed of whitespace. Blank lines are skipped; any other row is an entry,
/// even one whose address cell is empty or missing.
/// </para>
/// <para>
/// <see cref="InviteEntry.Fields"/> maps the other header names (case-insensitively; a repeated name gets a suffix
/// <c>_2</c>, an empty one the name <c>column_N</c>) to the row's values; missing cells are empty strings, and cells
/// beyond the header are ignored. The address cell goes through the same display-name handling as a text entry
/// (<c>Jane &lt;jane@example.com&gt;</c>) and keeps at most <see cref="InviteParserOptions.MaxEntryLength"/>
/// characters; other fields keep at most <see cref="InviteParserOptions.MaxFieldLength"/>, and a cut field makes
/// the row <see cref="InvalidReason.EntryTooLong"/>. Columns beyond <see cref="InviteParserOptions.MaxColumns"/>
/// are not read. A quote left open at the end of the file makes the last row <see cref="InvalidReason.MalformedEntry"/>.
/// </para>
/// <para>Instances keep no state between parses and can be shared.</para>
/// </remarks>
public sealed class CsvInviteParser : IInviteFileParser
{
    /// <summary>The parser's name: <c>csv</c>.</summary>
    public const string ParserName = "csv";

    private const int CsvExtensionScore = 90;
    private const int TsvExtensionScore = 70;
    private const int ContentScore = 80;

    /// <summary>Creates the parser.</summary>
    /// <param name="options">Its limits; defaults when <see langword="null"/>.</param>
    public CsvInviteParser(InviteParserOptions? options = null) => Options = options ?? new InviteParserOptions();

    internal InviteParserOptions Options { get; }

    /// <inheritdoc />
    public string Name => ParserName;

    /// <inheritdoc />
    /// <remarks>
    /// 90 for <c>.csv</c>, 70 for <c>.tsv</c>; otherwise 80 (above the text parser's 60 for <c>.txt</c>) when the first line holds a delimiter and an address column
    /// header, and 0 when it does not.
    /// </remarks>
    public int Score(InviteFileProbe probe)
    {
        var extension = Path.GetExtension(probe.FileName.AsSpan());
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return CsvExtensionScore;
        }

        if (extension.Equals(".tsv", StringComparison.OrdinalIgnoreCase))
        {
            return TsvExtensionScore;
        }

        return HasEmailHeader(probe.Text) ? ContentScore : 0;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var options = new InviteParserOptions
        {
            MaxEntryLength = Options.MaxEntryLength,
            MaxFieldLength = Options.MaxFieldLength,
            MaxColumns = Options.MaxColumns,
        };
        EnsurePositive(options.MaxEntryLength, nameof(InviteParserOptions.MaxEntryLength));
        EnsurePositive(options.MaxFieldLength, nameof(InviteParserOptions.MaxFieldLength));
        EnsurePositive(options.MaxColumns, nameof(InviteParserOptions.MaxColumns));
        return ParseCoreAsync(content, options, cancellationToken);
    }

    private static async IAsyncEnumerable<InviteEntry> ParseCoreAsync(
        Stream content,
        InviteParserOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new DecodingReader(content);
        CsvRecordReader? records = null;
        try
        {
            List<string>? headerCells = [];
            CsvRowBuilder? row = null;
            var more = true;
            while (more)
            {
                more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (records is null)
                {
                    if (!more)
                    {
                        yield break;
                    }

                    var delimiter = CsvDelimiterDetector.Detect(reader.Chars.AsSpan(0, reader.Length), out _);
                    records = new CsvRecordReader(delimiter, options.MaxEntryLength, options.MaxFieldLength, options.MaxColumns);
                }

                if (more)
                {
                    records.SetInput(reader.Chars, reader.Length);
                }
                else
                {
                    records.SetEndOfInput();
                }

                while (records.TryReadField(out var endOfRecord))
                {
                    if (endOfRecord && records.RecordIsBlank)
                    {
                        continue;
                    }

                    if (row is null)
                    {
                        if (records.FieldIndex < options.MaxColumns)
                        {
                            headerCells!.Add(records.Field.ToString());
                        }

                        if (endOfRecord)
                        {
                            var header = CsvHeader.Create(headerCells!, records.RecordLine);
                            records.SetColumns(header.ColumnCount, header.EmailColumn);
                            row = new CsvRowBuilder(header);
                            headerCells = null;
                        }

                        continue;
                    }

                    row.Add(records.FieldIndex, records.Field, records.FieldTooLong);
                    if (endOfRecord)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        yield return row.Complete(records.RecordLine, records.RecordUnterminated);
                    }
                }
            }
        }
        finally
        {
            records?.Dispose();
        }
    }

    /// <summary>Whether the first line of the text holds a delimiter and a header cell naming the address column.</summary>
    private static bool HasEmailHeader(string text)
    {
        var delimiter = CsvDelimiterDetector.Detect(text, out var occurrences);
        if (occurrences == 0)
        {
            return false;
        }

        var maxLength = Math.Max(text.Length, 1);
        using var records = new CsvRecordReader(delimiter, maxLength, maxLength, int.MaxValue);
        records.SetInput(text.ToCharArray(), text.Length);
        var endOfText = false;
        while (true)
        {
            if (!records.TryReadField(out var endOfRecord))
            {
                if (endOfText)
                {
                    return false;
                }

                records.SetEndOfInput();
                endOfText = true;
                continue;
            }

            if (endOfRecord && records.RecordIsBlank)
            {
                continue;
            }

            if (CsvEmailColumn.Rank(records.Field) >= 0)
            {
                return true;
            }

            if (endOfRecord)
            {
                return false;
            }
        }
    }

    private static void EnsurePositive(int value, string setting)
    {
        if (value < 1)
        {
            throw new InvalidOperationException($"{nameof(InviteParserOptions)}.{setting} must be at least 1; it is {value}.");
        }
    }
}
