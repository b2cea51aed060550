using System.Runtime.CompilerServices;

namespace BulkInvite.History;

/// <summary>
/// The one keyset reader of an import's entries: the store is read a page at a time, in sequence order, without counts,
/// each page asked for after the last sequence of the one before. An entry a caller moves to another outcome while it
/// reads does not disturb the pages after, and is never seen twice. The pipeline reads pages (a page is its unit of
/// work); <see cref="IBulkInviteHistory.ReadEntriesAsync"/>, and through it the export and the tool, read entries.
/// </summary>
internal static class EntryReader
{
    /// <summary>Entries per page when a reader does not say.</summary>
    internal const int DefaultPageSize = 1000;

    /// <summary>The import's entries (of one outcome, when given) in sequence order, a page at a time.</summary>
    /// <remarks>With <paramref name="invitationsAsOf"/>, each entry is read with its invitation as it stands at that time.</remarks>
    public static IAsyncEnumerable<IReadOnlyList<InviteEntryResult>> PagesAsync(
        IInviteHistoryStore store, string tenantId, Guid importId, InviteOutcome? outcome, int pageSize, DateTimeOffset? invitationsAsOf, CancellationToken cancellationToken)
        => PagesAsync(store, tenantId, importId, outcome, pageSize, invitationsAsOf, 1, long.MaxValue, cancellationToken);

    /// <summary>
    /// The import's entries (of one outcome, when given) of sequence numbers <paramref name="first"/> to
    /// <paramref name="last"/>, in sequence order, a page at a time (a part of an import being sent by several workers).
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<InviteEntryResult>> PagesAsync(
        IInviteHistoryStore store, string tenantId, Guid importId, InviteOutcome? outcome, int pageSize, DateTimeOffset? invitationsAsOf, long first, long last,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = first - 1;
        while (true)
        {
            var page = await store.ListEntriesAsync(
                tenantId,
                importId,
                new EntryQuery { Outcome = outcome, AfterSequence = after, LastSequence = last, Limit = pageSize, IncludeTotalCount = false, InvitationsAsOf = invitationsAsOf },
                cancellationToken).ConfigureAwait(false);
            if (page.Items.Count == 0)
            {
                yield break;
            }

            after = page.Items[^1].Sequence;
            if (after > last)
            {
                // A store that reads past the range (one written before LastSequence) still gives only the range: the
                // entries after it are another part's.
                var within = page.Items.TakeWhile(e => e.Sequence <= last).ToList();
                if (within.Count > 0)
                {
                    yield return within;
                }

                yield break;
            }

            yield return page.Items;
            if (!page.HasMore || after == last)
            {
                yield break;
            }
        }
    }

    /// <summary>The import's entries (of one outcome, when given) in sequence order, each once.</summary>
    public static async IAsyncEnumerable<InviteEntryResult> EntriesAsync(
        IInviteHistoryStore store, string tenantId, Guid importId, InviteOutcome? outcome, int pageSize, DateTimeOffset? invitationsAsOf,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in PagesAsync(store, tenantId, importId, outcome, pageSize, invitationsAsOf, cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in page)
            {
                yield return entry;
            }
        }
    }
}
