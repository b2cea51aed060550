namespace BulkInvite.Smtp.Composition;

/// <summary>The values the placeholders of one invitation stand for.</summary>
internal readonly struct TemplateValues
{
    private readonly IReadOnlyDictionary<string, string>? _fields;

    public TemplateValues(
        string email,
        string displayName,
        string inviterName,
        string accountName,
        string acceptLink,
        IReadOnlyDictionary<string, string>? fields)
    {
        Email = email;
        DisplayName = displayName;
        InviterName = inviterName;
        AccountName = accountName;
        AcceptLink = acceptLink;
        _fields = fields;
    }

    public string Email { get; }

    public string DisplayName { get; }

    public string InviterName { get; }

    public string AccountName { get; }

    public string AcceptLink { get; }

    /// <summary>The value of a per-recipient field, matched case-insensitively; empty when the recipient has none.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value or an empty string.</returns>
    public string GetField(string name)
    {
        if (_fields is null)
        {
            return string.Empty;
        }

        if (_fields.TryGetValue(name, out var value))
        {
            return value ?? string.Empty;
        }

        // Dictionaries from CSV files compare keys case-insensitively already; others may not.
        foreach (var pair in _fields)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value ?? string.Empty;
            }
        }

        return string.Empty;
    }

    public string Get(in TemplateSegment segment) => segment.Kind switch
    {
        TemplateSegmentKind.Email => Email,
        TemplateSegmentKind.DisplayName => DisplayName,
        TemplateSegmentKind.InviterName => InviterName,
        TemplateSegmentKind.AccountName => AccountName,
        TemplateSegmentKind.AcceptLink => AcceptLink,
        TemplateSegmentKind.Field => GetField(segment.Text),
        _ => segment.Text,
    };
}
