using System.Runtime.CompilerServices;

namespace BulkInvite.Export;

/// <summary>Reads an import's entries page by page (keyset paging, no counts), so that no page outlives its rows.</summary>
internal static class ReportEntryReader
{
    /// <summary>Entries per page read from the service.</summary>
    internal const int PageSize = 1000;

    /// <summary>Every entry of an import, or of one outcome, in sequence order.</summary>
    public static async IAsyncEnumerable<InviteEntryResult> ReadAsync(
        IBulkInviteService service, string tenantId, Guid importId, InviteOutcome? outcome, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            var query = new EntryQuery { Outcome = outcome, AfterSequence = after, Limit = PageSize, IncludeTotalCount = false };
            var page = await service.GetEntriesAsync(tenantId, importId, query, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Items)
            {
                yield return entry;
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                yield break;
            }

            after = page.Items[^1].Sequence;
        }
    }

    /// <summary>
    /// The entries of several outcomes in sequence order: one keyset stream per outcome (each a range of the store's
    /// outcome index), merged, so that a few failures in a large import are found without reading the rest.
    /// </summary>
    public static async IAsyncEnumerable<InviteEntryResult> ReadAsync(
        IBulkInviteService service, string tenantId, Guid importId, IReadOnlyList<InviteOutcome> outcomes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var streams = new List<IAsyncEnumerator<InviteEntryResult>>(outcomes.Count);
        try
        {
            foreach (var outcome in outcomes)
            {
                var stream = ReadAsync(service, tenantId, importId, outcome, cancellationToken).GetAsyncEnumerator(cancellationToken);
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
