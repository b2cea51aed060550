namespace BulkInvite;

/// <summary>Which imports of a tenant to list, newest first.</summary>
public sealed record ImportQuery
{
    /// <summary>How many imports to skip.</summary>
    public int Offset { get; init; }

    /// <summary>The most imports to return.</summary>
    /// <value>Default: 50.</value>
    public int Limit { get; init; } = 50;

    /// <summary>Only imports created at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only imports created before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only imports of a file with this content hash (<see cref="BulkInviteReport.ContentHash"/>).</summary>
    public string? ContentHash { get; init; }

    /// <summary>Include previews (dry runs).</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool IncludePreviews { get; init; }
}
