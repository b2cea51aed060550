using System.Runtime.CompilerServices;

namespace BulkInvite.Export;

/// <summary>Merges streams of entries, each in sequence order, into one in sequence order.</summary>
internal static class SequenceMerge
{
    /// <summary>
    /// The entries of several outcomes in sequence order: one stream per outcome (each a range of the store's outcome
    /// index), merged, so that a few failures in a large import are found without reading the rest.
    /// </summary>
    public static async IAsyncEnumerable<InviteEntryResult> ReadAsync(
        IBulkInviteHistory history, string tenantId, Guid importId, IReadOnlyList<InviteOutcome> outcomes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var streams = new List<IAsyncEnumerator<InviteEntryResult>>(outcomes.Count);
        try
        {
            foreach (var outcome in outcomes)
            {
                var stream = history.ReadEntriesAsync(tenantId, importId, outcome, cancellationToken).GetAsyncEnumerator(cancellationToken);
                streams.Add(stream);
                if (!await stream.MoveNextAsync().ConfigureAwait(false))
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                    streams.RemoveAt(streams.Count - 1);
                }
            }

            while (streams.Count > 0)
            {
                var next = 0;
                for (var i = 1; i < streams.Count; i++)
                {
                    if (streams[i].Current.Sequence < streams[next].Current.Sequence)
                    {
                        next = i;
                    }
                }

                yield return streams[next].Current;
                if (!await streams[next].MoveNextAsync().ConfigureAwait(false))
                {
                    await streams[next].DisposeAsync().ConfigureAwait(false);
                    streams.RemoveAt(next);
                }
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
