namespace BulkInvite;

/// <summary>
/// A worker's claim on one queued import (<see cref="IImportWorkStore.ClaimAsync"/>), or on one part of an import whose
/// sending is shared (<see cref="Part"/>).
/// </summary>
public sealed class ImportLease
{
    /// <summary>The import claimed, and what to run.</summary>
    public required ImportWorkItem Item { get; init; }

    /// <summary>Who holds the lease.</summary>
    public required string Owner { get; init; }

    /// <summary>
    /// The fencing token: larger than that of every earlier claim of the import (of the part, for a part's lease). Writes
    /// under an older one are refused.
    /// </summary>
    public required long Fence { get; init; }

    /// <summary>Which claim of the import (or of the part) this is: 1 for the first; more after a takeover or a release.</summary>
    public required int Attempt { get; init; }

    /// <summary>When the lease expires unless renewed.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>
    /// The part of the import this lease holds, whose entries it sends; <see langword="null"/> when it holds the import
    /// itself (to stage it, to send it whole, or to end it once its parts have ended).
    /// </summary>
    public ImportWorkPart? Part { get; init; }

    /// <summary>How many parts the import's sending was split into; 0 when it never was.</summary>
    public int Parts { get; init; }

    /// <summary>The import.</summary>
    public Guid ImportId => Item.ImportId;

    /// <summary>Its tenant.</summary>
    public string TenantId => Item.TenantId;
}
