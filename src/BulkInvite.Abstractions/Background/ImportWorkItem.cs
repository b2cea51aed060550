namespace BulkInvite;

/// <summary>A queued import: what to run for whom, kept beside its upload in an <see cref="IImportWorkStore"/>.</summary>
public sealed class ImportWorkItem
{
    /// <summary>The import.</summary>
    public required Guid ImportId { get; init; }

    /// <summary>Its tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>Who queued it.</summary>
    public required string InitiatedBy { get; init; }

    /// <summary>The uploaded file's name.</summary>
    public required string FileName { get; init; }

    /// <summary><see cref="ImportMode.Send"/> or <see cref="ImportMode.Preview"/>.</summary>
    public ImportMode Mode { get; init; }

    /// <summary>The parser by name, or <see langword="null"/> to pick one.</summary>
    public string? ParserName { get; init; }

    /// <summary>The sender by name, or <see langword="null"/> for the default one.</summary>
    public string? SenderName { get; init; }

    /// <summary>Whether a repeat of a recent upload is imported on purpose.</summary>
    public bool AllowRepeatUpload { get; init; }

    /// <summary>Whether addresses with a pending invitation are invited again.</summary>
    public bool ResendPendingInvitations { get; init; }

    /// <summary>When it was queued; the oldest is claimed first.</summary>
    public required DateTimeOffset QueuedAt { get; init; }
}
