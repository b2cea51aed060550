namespace BulkInvite;

/// <summary>How many imports of an <see cref="IImportWorkStore"/> are left to run.</summary>
public sealed class ImportWorkCounts
{
    /// <summary>Waiting for their first claim, or given back.</summary>
    public long Queued { get; init; }

    /// <summary>Claimed, under a live or an expired lease.</summary>
    public long Claimed { get; init; }

    /// <summary>Whether nothing is left to run.</summary>
    public bool IsIdle => Queued == 0 && Claimed == 0;
}
