using System.Buffers;

namespace BulkInvite;

/// <summary>
/// The argument checks of a work store's calls, and the copy of an upload in chunks under its limit: compiled into every
/// store package, so that each store refuses the same arguments and the same uploads the same way.
/// </summary>
internal static class ImportWorkArguments
{
    /// <summary>The size of the chunks an upload is kept in (the last one is shorter).</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>The name of the limit an upload over <c>maxBytes</c> exceeds.</summary>
    public const string MaxFileBytes = "MaxFileBytes";

    public static void CheckEnqueue(ImportWorkItem item, Stream upload, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (string.IsNullOrEmpty(item.TenantId) || string.IsNullOrEmpty(item.InitiatedBy) || item.FileName is null)
        {
            throw new ArgumentException("The item needs its tenant, its initiator and its file name.", nameof(item));
        }

        if (item.Mode is not (ImportMode.Send or ImportMode.Preview))
        {
            throw new ArgumentException($"A queued import is a {ImportMode.Send} or a {ImportMode.Preview}, not {item.Mode}: a count keeps nothing to report.", nameof(item));
        }

        if (!upload.CanRead)
        {
            throw new ArgumentException("The upload must be readable.", nameof(upload));
        }
    }

    public static void CheckClaimImport(ImportWorkItem item, string owner, TimeSpan leaseDuration)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (string.IsNullOrEmpty(item.TenantId) || string.IsNullOrEmpty(item.InitiatedBy) || item.FileName is null)
        {
            throw new ArgumentException("The item needs its tenant, its initiator and its file name.", nameof(item));
        }

        CheckClaim(owner, leaseDuration);
    }

    public static void CheckClaim(string owner, TimeSpan leaseDuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        CheckDuration(leaseDuration);
    }

    public static void CheckDuration(TimeSpan leaseDuration)
    {
        if (leaseDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), leaseDuration, "A lease's duration must be positive.");
        }
    }

    public static void CheckEnd(ImportLease lease, QueuedImportStatus status)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (status is not (QueuedImportStatus.Completed or QueuedImportStatus.Failed))
        {
            throw new ArgumentException($"An import ends {QueuedImportStatus.Completed} or {QueuedImportStatus.Failed}, not {status}.", nameof(status));
        }
    }

    /// <summary>A split names the lease on an import never split, and parts numbered from 1 whose ranges follow one another.</summary>
    public static void CheckSplit(ImportLease lease, IReadOnlyList<ImportWorkPart> parts)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(parts);
        if (lease.Part is not null || lease.Parts > 0)
        {
            throw new ArgumentException($"Import {lease.ImportId} is split already: only the lease on an import never split can split it.", nameof(lease));
        }

        if (parts.Count == 0)
        {
            throw new ArgumentException("A split needs at least one part.", nameof(parts));
        }

        long after = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i] ?? throw new ArgumentException("A part is null.", nameof(parts));
            if (part.Number != i + 1 || part.FirstSequence <= after || part.LastSequence < part.FirstSequence)
            {
                throw new ArgumentException($"Part {i + 1} must be numbered {i + 1}, and cover sequence numbers after {after} in order, without overlapping the part before.", nameof(parts));
            }

            after = part.LastSequence;
        }
    }

    public static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must not be negative (except Timeout.InfiniteTimeSpan).");
        }
    }

    /// <summary>Whether a write names the lease's own import (of its tenant), so that the lease's fence applies to it.</summary>
    public static bool Concerns(ImportLease lease, string? tenantId, Guid importId)
        => importId == lease.ImportId && string.Equals(tenantId, lease.TenantId, StringComparison.Ordinal);

    public static InviteLimitExceededException TooLarge(long maxBytes)
        => new(MaxFileBytes, maxBytes, $"The upload is larger than MaxFileBytes ({maxBytes:N0} bytes); nothing of it was queued.");

    /// <summary>
    /// Reads the upload to its end in chunks of <see cref="ChunkBytes"/>, handing each to <paramref name="write"/> in
    /// order (the buffer is reused: the chunk is valid only during the call), and refuses it once it is longer than
    /// <paramref name="maxBytes"/> (a seekable upload by its length, before a byte is read).
    /// </summary>
    /// <returns>The upload's length.</returns>
    public static async Task<long> CopyInChunksAsync(Stream upload, long maxBytes, Func<ReadOnlyMemory<byte>, int, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (upload.CanSeek && upload.Length - upload.Position > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long total = 0;
            var index = 0;
            while (true)
            {
                var filled = 0;
                int read;
                while (filled < ChunkBytes && (read = await upload.ReadAsync(buffer.AsMemory(filled, ChunkBytes - filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                    if (total + filled > maxBytes)
                    {
                        throw TooLarge(maxBytes);
                    }
                }

                if (filled == 0)
                {
                    return total;
                }

                await write(buffer.AsMemory(0, filled), index++, cancellationToken).ConfigureAwait(false);
                total += filled;
                if (filled < ChunkBytes)
                {
                    return total;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
