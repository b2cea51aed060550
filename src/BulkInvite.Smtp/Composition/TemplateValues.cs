namespace BulkInvite.Smtp.Composition;

/// <summary>The values the placeholders of one invitation stand for, each passed through <see cref="DataText"/>.</summary>
/// <remarks>This is where values from data enter a message: nothing that comes from the file or the invitation reaches a
/// header or a body without going through here.</remarks>
internal readonly struct TemplateValues
{
    private readonly IReadOnlyDictionary<string, string>? _fields;

    public TemplateValues(
        string? email,
        string? displayName,
        string? inviterName,
        string? accountName,
        string? acceptLink,
        IReadOnlyDictionary<string, string>? fields,
        string? expiresAt = null)
    {
        Email = DataText.Neutralise(email);
        DisplayName = DataText.Neutralise(displayName);
        InviterName = DataText.Neutralise(inviterName);
        AccountName = DataText.Neutralise(accountName);
        AcceptLink = DataText.Neutralise(acceptLink);
        ExpiresAt = DataText.Neutralise(expiresAt);
        _fields = fields;
    }

    public string Email { get; }

    public string DisplayName { get; }

    public string InviterName { get; }

    public string AccountName { get; }

    public string AcceptLink { get; }

    public string ExpiresAt { get; }

    /// <summary>The value of a per-recipient field, matched case-insensitively and neutralised; empty when the recipient has none.</summary>
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
            return DataText.Neutralise(value);
        }

        // Dictionaries from CSV files compare keys case-insensitively already; others may not.
        foreach (var pair in _fields)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return DataText.Neutralise(pair.Value);
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
        TemplateSegmentKind.ExpiresAt => ExpiresAt,
        TemplateSegmentKind.Field => GetField(segment.Text),
        _ => segment.Text,
    };
}
