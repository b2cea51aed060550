namespace BulkInvite.Parsing;

/// <summary>
/// Picks the delimiter of a CSV file from its header line: comma, semicolon or tab, whichever appears most outside
/// double quotes (comma, then semicolon, on ties; comma when none appears).
/// </summary>
internal static class CsvDelimiterDetector
{
    /// <summary>Detects the delimiter from the start of the text (blank lines before the header are skipped).</summary>
    /// <param name="text">The start of the file, decoded.</param>
    /// <param name="occurrences">How often the chosen delimiter appears in the header line.</param>
    public static char Detect(ReadOnlySpan<char> text, out int occurrences)
    {
        var start = 0;
        while (start < text.Length && text[start] is '\r' or '\n')
        {
            start++;
        }

        int commas = 0, semicolons = 0, tabs = 0;
        var inQuote = false;
        foreach (var c in text[start..])
        {
            if (c == '"')
            {
                inQuote = !inQuote;
            }
            else if (!inQuote)
            {
                if (c is '\r' or '\n')
                {
                    break;
                }

                switch (c)
                {
                    case ',':
                        commas++;
                        break;
                    case ';':
                        semicolons++;
                        break;
                    case '\t':
                        tabs++;
                        break;
                }
            }
        }

        if (semicolons > commas && semicolons >= tabs)
        {
            occurrences = semicolons;
            return ';';
        }

        if (tabs > commas && tabs > semicolons)
        {
            occurrences = tabs;
            return '\t';
        }

        occurrences = commas;
        return ',';
    }
}
