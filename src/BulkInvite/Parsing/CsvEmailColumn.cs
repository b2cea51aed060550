namespace BulkInvite.Parsing;

/// <summary>
/// Recognises the header of the address column of a CSV file: <c>email</c>, <c>e-mail</c>, <c>email address</c>,
/// <c>e-mail address</c>, <c>emailaddress</c>, <c>email_address</c>, <c>mail</c>, <c>address</c> or
/// <c>user email</c>, in any case, with spaces, underscores and hyphens ignored.
/// </summary>
internal static class CsvEmailColumn
{
    /// <summary>The accepted names, as shown to users.</summary>
    public static readonly string[] AcceptedNames =
        ["email", "e-mail", "email address", "e-mail address", "emailaddress", "email_address", "mail", "address", "user email"];

    /// <summary>The normalised names, most specific first: when several columns match, the most specific wins.</summary>
    private static readonly string[] NormalisedNames = ["email", "emailaddress", "useremail", "mail", "address"];

    private const int LongestName = 16;

    /// <summary>How well a header cell names the address column: 0 (best) and up, or -1 when it does not.</summary>
    public static int Rank(ReadOnlySpan<char> headerCell)
    {
        Span<char> normalised = stackalloc char[LongestName];
        var length = 0;
        foreach (var c in TextTrimming.Trim(headerCell))
        {
            if (c is ' ' or '_' or '-')
            {
                continue;
            }

            if (length == LongestName)
            {
                return -1;
            }

            normalised[length++] = char.ToLowerInvariant(c);
        }

        var name = normalised[..length];
        for (var i = 0; i < NormalisedNames.Length; i++)
        {
            if (name.SequenceEqual(NormalisedNames[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The column that holds the addresses: the best-ranked match, the leftmost on ties; -1 when none.</summary>
    public static int Find(IReadOnlyList<string> headerCells)
    {
        var best = -1;
        var bestRank = int.MaxValue;
        for (var column = 0; column < headerCells.Count; column++)
        {
            var rank = Rank(headerCells[column]);
            if (rank >= 0 && rank < bestRank)
            {
                best = column;
                bestRank = rank;
            }
        }

        return best;
    }
}
