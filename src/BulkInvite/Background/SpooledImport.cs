namespace BulkInvite.Background;

/// <summary>What a queued import needs besides its upload: written beside the spooled file as JSON.</summary>
internal sealed record SpooledImport
{
    public required Guid ImportId { get; init; }

    public required string TenantId { get; init; }

    public required string InitiatedBy { get; init; }

    public required string FileName { get; init; }

    public bool IsPreview { get; init; }

    public string? ParserName { get; init; }

    public string? SenderName { get; init; }

    public bool AllowRepeatUpload { get; init; }

    public bool ResendPendingInvitations { get; init; }

    public DateTimeOffset QueuedAt { get; init; }

    /// <summary>Whether it was found in the spool folder when the process started (it may have begun before).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Recovered { get; init; }
}
