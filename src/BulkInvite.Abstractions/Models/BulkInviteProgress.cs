namespace BulkInvite;

/// <summary>Progress of a running import.</summary>
public sealed class BulkInviteProgress
{
    /// <summary>The import.</summary>
    public required Guid ImportId { get; init; }

    /// <summary>The stage it is in.</summary>
    public required ImportStage Stage { get; init; }

    /// <summary>Entries read from the file so far.</summary>
    public long EntriesRead { get; init; }

    /// <summary>Entries staged for sending (known once staging ends), else 0.</summary>
    public long EntriesToSend { get; init; }

    /// <summary>The count of each outcome so far.</summary>
    /// <value>Default: <see cref="OutcomeCounts.Empty"/>.</value>
    public OutcomeCounts Counts { get; init; } = OutcomeCounts.Empty;
}
