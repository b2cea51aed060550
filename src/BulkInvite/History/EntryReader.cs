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
    /// At most three pages of each stream are held at a time, a few megabytes.
    /// </remarks>
    internal const int DefaultPageSize = 5000;

    /// <summary>
    /// The import's entries (of one outcome, when given) of sequence numbers <paramref name="first"/> to
    /// <paramref name="last"/>, in sequence order, a page at a time (a part of an import being sent by several workers).
    /// </summary>
    /// <remarks>
    /// With <paramref name="readAhead"/>, the next page is read on the thread pool while the caller takes the one before,
    /// so a store's reads and the caller's work (a report written, a file exported) overlap on two cores. While the pages
    /// are dense (each holds every sequence number of its range, as an import's entries of every outcome do), the page
    /// after the next one begins where the next one ends, so it is read too, on another thread: reading a page costs a
    /// store about twice what writing it costs the caller, and two reads at once keep the caller busy. A page guessed so
    /// that began elsewhere is dropped and read again from where the page before it ended, so the guess changes
    /// nothing but the time; at the end of the import it costs one read of an empty page. A page read ahead was read
    /// before the caller's work on the page before it: the pipeline, which changes the entries it reads, does not read
    /// ahead. A reader that stops early cancels the pages being read ahead and waits for them to end, so no read of the
    /// store outlives the enumeration.
    /// </remarks>
    public static async IAsyncEnumerable<IReadOnlyList<InviteEntryResult>> PagesAsync(
        IInviteHistoryStore store, string tenantId, Guid importId, InviteOutcome? outcome, int pageSize, DateTimeOffset? invitationsAsOf, long first, long last,
        bool readAhead, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = first - 1;
        // Pages asked for and not taken yet, in order: the next one, and, while the pages are dense, the one after it.
        var ahead = new Queue<PageRead>();
        using var stopAhead = readAhead ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        try
        {
            while (true)
            {
                var read = ahead.Count > 0 ? ahead.Dequeue() : new PageRead(after, Read(after, cancellationToken));
                var page = await read.Page.ConfigureAwait(false);
                // A page read ahead was asked for before the caller cancelled: nothing of it is given after.
                cancellationToken.ThrowIfCancellationRequested();
                if (page.Items.Count == 0)
                {
                    yield break;
                }

                var end = page.Items[^1].Sequence;
                if (end > last)
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

                var more = page.HasMore && end != last;
                if (more && stopAhead is not null)
                {
                    if (ahead.Count > 0 && ahead.Peek().After != end)
                    {
                        // The page guessed to come next began elsewhere: the page just read was not dense, or not as
                        // long as the one before it.
                        await DropAsync(ahead).ConfigureAwait(false);
                    }

                    // A dense page (every sequence number of its range present: an import's entries of every outcome)
                    // says where the page after the next one begins, if the next one is as long, so that one is read
                    // too, on another thread.
                    var length = page.Items.Count;
                    var wanted = end - read.After == length ? 2 : 1;
                    var next = ahead.Count > 0 ? ahead.Last().After + length : end;
                    while (ahead.Count < wanted && next < last)
                    {
                        var from = next;
                        var token = stopAhead.Token;
                        ahead.Enqueue(new PageRead(from, Task.Run(() => Read(from, token), token)));
                        next += length;
                    }
                }

                after = end;
                yield return page.Items;
                if (!more)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (ahead.Count > 0 && stopAhead is not null)
            {
                // The caller stopped early: what the pages read ahead say (their entries, or their failures) is not needed.
                await stopAhead.CancelAsync().ConfigureAwait(false);
                await DropAsync(ahead).ConfigureAwait(false);
            }
        }

        Task<InvitePage<InviteEntryResult>> Read(long afterSequence, CancellationToken token) => store.ListEntriesAsync(
            tenantId,
            importId,
            new EntryQuery { Outcome = outcome, AfterSequence = afterSequence, LastSequence = last, Limit = pageSize, IncludeTotalCount = false, InvitationsAsOf = invitationsAsOf },
            token);
    }

    /// <summary>Waits for the reads of pages that will not be given to end, whatever they end with.</summary>
    private static async Task DropAsync(Queue<PageRead> reads)
    {
        while (reads.TryDequeue(out var read))
        {
            await ((Task)read.Page).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>A page asked for: the sequence number it begins after, and its read.</summary>
    private readonly record struct PageRead(long After, Task<InvitePage<InviteEntryResult>> Page);

    /// <summary>
    /// The import's entries (of one outcome, when given) in sequence order, each once; pages are read ahead while the
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
