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
    /// <summary>Entries per page of <see cref="IBulkInviteHistory.ReadEntriesAsync"/>.</summary>
    /// <remarks>
    /// Each page is a transaction of the store, with its round trips: pages of 5,000 rather than 1,000 made the tool's
    /// report of a million entries from PostgreSQL about a quarter faster, from SQLite 6 % (<c>docs/benchmarks.md</c>).
    /// Two pages of each stream are held at a time, a few megabytes.
    /// </remarks>
    internal const int DefaultPageSize = 5000;

    /// <summary>
    /// The import's entries (of one outcome, when given) of sequence numbers <paramref name="first"/> to
    /// <paramref name="last"/>, in sequence order, a page at a time (a part of an import being sent by several workers).
    /// </summary>
    /// <remarks>
    /// With <paramref name="readAhead"/>, the next page is read on the thread pool while the caller takes the one before,
    /// so a store's reads and the caller's work (a report written, a file exported) overlap on two cores. A page read
    /// ahead was read before the caller's work on the page before it: the pipeline, which changes the entries it reads,
    /// does not read ahead. A reader that stops early cancels the page being read ahead and waits for it to end, so no
    /// read of the store outlives the enumeration.
    /// </remarks>
    public static async IAsyncEnumerable<IReadOnlyList<InviteEntryResult>> PagesAsync(
        IInviteHistoryStore store, string tenantId, Guid importId, InviteOutcome? outcome, int pageSize, DateTimeOffset? invitationsAsOf, long first, long last,
        bool readAhead, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = first - 1;
        Task<InvitePage<InviteEntryResult>>? ahead = null;
        using var stopAhead = readAhead ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        try
        {
            while (true)
            {
                var page = await (ahead ?? Read(after, cancellationToken)).ConfigureAwait(false);
                ahead = null;
                // A page read ahead was asked for before the caller cancelled: nothing of it is given after.
                cancellationToken.ThrowIfCancellationRequested();
                if (page.Items.Count == 0)
                {
                    yield break;
                }

                after = page.Items[^1].Sequence;
                if (after > last)
                {
                    // A store that reads past the range (one written before LastSequence) still gives only the range:
                    // the entries after it are another part's.
                    var within = page.Items.TakeWhile(e => e.Sequence <= last).ToList();
                    if (within.Count > 0)
                    {
                        yield return within;
                    }

                    yield break;
                }

                var more = page.HasMore && after != last;
                if (more && stopAhead is not null)
                {
                    var from = after;
                    var token = stopAhead.Token;
                    ahead = Task.Run(() => Read(from, token), token);
                }

                yield return page.Items;
                if (!more)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (ahead is not null && stopAhead is not null)
            {
                // The caller stopped early: what the page read ahead says (its entries, or its failure) is not needed.
                await stopAhead.CancelAsync().ConfigureAwait(false);
                await ((Task)ahead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        Task<InvitePage<InviteEntryResult>> Read(long afterSequence, CancellationToken token) => store.ListEntriesAsync(
            tenantId,
            importId,
            new EntryQuery { Outcome = outcome, AfterSequence = afterSequence, LastSequence = last, Limit = pageSize, IncludeTotalCount = false, InvitationsAsOf = invitationsAsOf },
            token);
    }

    /// <summary>
    /// The import's entries (of one outcome, when given) in sequence order, each once; each page is read ahead while the
    /// caller takes the one before. A caller that cancels gets no entry after.
    /// </summary>
    public static async IAsyncEnumerable<InviteEntryResult> EntriesAsync(
        IInviteHistoryStore store, string tenantId, Guid importId, InviteOutcome? outcome, int pageSize, DateTimeOffset? invitationsAsOf,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in PagesAsync(store, tenantId, importId, outcome, pageSize, invitationsAsOf, 1, long.MaxValue, readAhead: true, cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return entry;
            }
        }
    }
}
