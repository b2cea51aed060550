using System.Globalization;
using System.Threading.Channels;
using BulkInvite.Diagnostics;

namespace BulkInvite.Pipeline;

/// <summary>
/// Sending, fenced by what is recorded. One dispatcher task owns every store write of the stage: it marks entries
/// <see cref="InviteOutcome.Sending"/> before a sender gets them, and records their outcomes as
/// senders report them, both in the same write. An entry holds one of <see cref="BulkInviteOptions.MaxParallelSends"/>
/// slots from its mark until its outcome is stored, so at no moment are more entries sent-or-in-flight without a final
/// record than there are slots: when the store stalls, the dispatcher stalls, no slot comes free, and sending stops.
/// </summary>
internal sealed partial class ImportRun
{
    private const int SendPageSize = 500;

    /// <summary>Entries the dispatcher decided after marking them (the ledger refused their send): their outcomes leave Sending.</summary>
    private readonly HashSet<long> _decidedFromSending = [];

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        _stage = ImportStage.Sending;
        var sender = _context.Sender ?? throw new InvalidOperationException(BulkInviteService.NoSenderMessage);
        if (_tally[InviteOutcome.Pending] == 0)
        {
            return;
        }

        var slots = Options.MaxParallelSends;

        // Stops handing out work: cancellation, or a failure of the store, the user directory or the transport.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Cancels the sends in flight: only once the grace period after a cancellation has passed.
        using var abortInFlight = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _context.Time);
        using var grace = cancellationToken.Register(static state =>
        {
            var (cts, period) = ((CancellationTokenSource, TimeSpan))state!;
            try
            {
                cts.CancelAfter(period);
            }
            catch (ObjectDisposedException)
            {
                // Sending has ended already.
            }
        }, (abortInFlight, Options.StopGracePeriod));

        Exception? stopReason = null;

        void Stop(Exception reason)
        {
            Interlocked.CompareExchange(ref stopReason, reason, null);
            stop.Cancel();
        }

        // The producer's pages go through a small bounded channel: it reads and checks ahead by one page at most.
        var candidates = Channel.CreateBounded<SendCandidate>(new BoundedChannelOptions(Options.ExistenceCheckBatchSize) { SingleWriter = true, SingleReader = true });

        // Marked entries on their way to a sender, and the ends of attempts on their way back to the dispatcher: an
        // entry in either holds a slot, so neither ever holds more than `slots`. Bounded to that, so that a broken
        // count fails loudly instead of letting sending run ahead of the record.
        var done = Channel.CreateBounded<SendDone>(new BoundedChannelOptions(slots) { SingleReader = true });
        var work = Channel.CreateBounded<SendItem>(new BoundedChannelOptions(slots) { SingleWriter = true });

        // MaxParallelSends senders, each taking one marked entry at a time, so that a sender that blocks (a synchronous
        // client behind SendAsync) still sends that many at once; each reports the end of every attempt to `done`.
        var senders = new Task[slots];
        for (var i = 0; i < senders.Length; i++)
        {
            senders[i] = Task.Run(
                async () =>
                {
                    await foreach (var item in work.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        var end = await SendOneAsync(sender, item, Stop, stop.Token, abortInFlight.Token).ConfigureAwait(false);

                        // Never waits (the entry's slot is its room here); an end is never dropped.
                        await done.Writer.WriteAsync(new SendDone(end), CancellationToken.None).ConfigureAwait(false);
                    }
                },
                CancellationToken.None);
        }

        void Start(SendItem item)
        {
            if (!work.Writer.TryWrite(item))
            {
                throw new InvalidOperationException($"Import {ImportId}: more entries were marked Sending than MaxParallelSends.");
            }
        }

        var producer = Task.Run(() => ProduceAsync(candidates.Writer, Stop, stop.Token), CancellationToken.None);
        try
        {
            await DispatchAsync(candidates.Reader, Start, done.Reader, slots, Stop, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            work.Writer.TryComplete();
            stop.Cancel();
            await Task.WhenAll([producer, .. senders]).ConfigureAwait(false);
        }

        if (_context.ExistenceCheck is not null)
        {
            LogExistenceCheck();
        }

        if (stopReason is not null)
        {
            Rethrow(stopReason);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// The one writer of the sending stage. Each round stores, in one write, the outcomes the senders reported, the
    /// user directory's answers, and the <see cref="InviteOutcome.Sending"/> marks of as many new entries as there are
    /// free slots; only then are the marked entries handed to the senders. Ends when nothing is in flight and either
    /// the producer is done or sending was stopped.
    /// </summary>
    private async Task DispatchAsync(
        ChannelReader<SendCandidate> candidates,
        Action<SendItem> start,
        ChannelReader<SendDone> done,
        int slots,
        Action<Exception> stop,
        CancellationToken stopToken)
    {
        var free = slots;
        var storeFailed = false;
        var producerDone = false;
        SendCandidate? held = null;
        var batch = new List<InviteEntryUpdate>();
        var marked = new List<InviteEntryResult>();
        var unrecorded = new List<InviteEntryUpdate>();

        // Outcomes decided by the dispatcher itself (an invitation closed before its send), stored with the next round.
        var decided = new List<InviteEntryUpdate>();

        while (true)
        {
            batch.Clear();
            marked.Clear();
            batch.AddRange(decided);
            decided.Clear();
            while (done.TryRead(out var result))
            {
                free++;
                if (result.Update is { } update)
                {
                    batch.Add(update);
                }
            }

            if (!stopToken.IsCancellationRequested && !storeFailed)
            {
                var now = _context.Time.GetUtcNow();
                while (true)
                {
                    if (held is null)
                    {
                        if (!candidates.TryRead(out var next))
                        {
                            break;
                        }

                        held = next;
                    }

                    if (held.Value.Update is { } answer)
                    {
                        batch.Add(answer);
                    }
                    else if (free > 0)
                    {
                        var entry = held.Value.Entry;
                        batch.Add(new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.Sending, Reason = entry.Reason, Detail = KeptDetail(entry), UpdatedAt = now });
                        marked.Add(entry);
                        free--;
                    }
                    else
                    {
                        break;
                    }

                    held = null;
                }
            }

            if (batch.Count > 0)
            {
                if (storeFailed)
                {
                    // Kept for one last write once every send has ended; what stays unwritten stays Sending.
                    unrecorded.AddRange(batch);
                }
                else if (await TryRecordAsync(batch, marked.Count > 0 ? NewSends(marked) : null, stop).ConfigureAwait(false) is { Stored: true } recorded)
                {
                    if (recorded.Sends is { } sends)
                    {
                        var items = await SendableAsync(marked, sends, recorded.Statuses!, decided, stop).ConfigureAwait(false);
                        free += marked.Count - items.Count;
                        foreach (var item in items)
                        {
                            start(item);
                        }
                    }
                }
                else
                {
                    // Not marked, so never sent: the slots come back; outcomes of sends that ended stay unrecorded.
                    storeFailed = true;
                    free += marked.Count;
                    foreach (var update in batch)
                    {
                        if (update.Outcome != InviteOutcome.Sending)
                        {
                            unrecorded.Add(update);
                        }
                    }
                }
            }

            var inFlight = slots - free;
            var stopping = stopToken.IsCancellationRequested || storeFailed;
            if (decided.Count > 0 && !storeFailed)
            {
                continue;
            }

            if (inFlight == 0 && (stopping || (producerDone && held is null)))
            {
                break;
            }

            // Wait for a sender to finish, or (with a free slot, or a directory answer to store) for the producer.
            var waitForProducer = !stopping && !producerDone && held is null;
            if (waitForProducer && inFlight == 0)
            {
                producerDone = !await WaitToReadAsync(candidates).ConfigureAwait(false);
            }
            else if (waitForProducer && free > 0)
            {
                var fromSenders = done.WaitToReadAsync(CancellationToken.None).AsTask();
                var fromProducer = WaitToReadAsync(candidates);
                var first = await Task.WhenAny(fromSenders, fromProducer).ConfigureAwait(false);
                if (first == fromProducer)
                {
                    producerDone = !await fromProducer.ConfigureAwait(false);
                }
            }
            else if (inFlight > 0)
            {
                await done.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (unrecorded.Count > 0)
        {
            // The store failed earlier: one more try, so that a store that came back gets the outcomes of what was sent.
            await TryRecordAsync(unrecorded, null, static _ => { }).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores one round of updates (with the invitations of the entries it marks, in the same write), moves the counts,
    /// and checkpoints; not stored (and sending stopped) when the store failed.
    /// </summary>
    private async Task<RecordedRound> TryRecordAsync(List<InviteEntryUpdate> updates, PreparedSends? sends, Action<Exception> stop)
    {
        IReadOnlyList<InvitationSendStatus>? statuses = null;
        try
        {
            // The store gets a list of its own (it may keep it).
            if (sends is null)
            {
                await _context.Store.UpdateEntriesAsync(TenantId, ImportId, updates.ToArray(), CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                statuses = await _context.Store.RecordInvitationSendsAsync(TenantId, ImportId, updates.ToArray(), sends.Sends, CancellationToken.None).ConfigureAwait(false);
                if (statuses is null || statuses.Count != sends.Sends.Length)
                {
                    throw new InvalidOperationException($"The history store answered {statuses?.Count ?? 0} statuses for {sends.Sends.Length} invitation sends.");
                }
            }
        }
        catch (Exception ex)
        {
            // Without a record, nothing more may be sent: a resumed import would send it again.
            Log.RecordingFailed(_context.Logger, ex, ImportId, updates.Count);
            stop(ex);
            return default;
        }

        foreach (var update in updates)
        {
            // Marks and the directory's answers leave Pending; outcomes, hand-backs and the ledger's answers leave Sending.
            var from = update.Outcome is InviteOutcome.Sending or InviteOutcome.ExistingUser or InviteOutcome.AlreadyInvited
                       && !_decidedFromSending.Remove(update.Sequence)
                ? InviteOutcome.Pending
                : InviteOutcome.Sending;
            _tally.Move(from, update.Outcome);
            if (update.Outcome is not (InviteOutcome.Sending or InviteOutcome.Pending))
            {
                Instrumentation.CountEntries(update.Outcome, 1);
            }
        }

        try
        {
            await CheckpointAsync(force: false).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The updates are stored; only the import's summary is not. Sending stops: the entries just marked are
            // handed back by their senders, which see the stop before they send.
            Log.RecordingFailed(_context.Logger, ex, ImportId, 0);
            stop(ex);
        }

        return new RecordedRound(true, sends, statuses);
    }

    /// <summary>
    /// The invitations of entries about to be marked <see cref="InviteOutcome.Sending"/>, each with the keyed hash of a
    /// new token (the old one dies when it is stored), written in the same store call as the marks.
    /// </summary>
    private PreparedSends NewSends(List<InviteEntryResult> marked)
    {
        var tokens = _context.Tokens ?? throw new InvalidOperationException("The import has no invitation tokens.");
        var now = _context.Time.GetUtcNow();
        var expiresAt = now + Options.InvitationLifetime;
        var sends = new InvitationSend[marked.Count];
        var issued = new string[marked.Count];
        for (var i = 0; i < marked.Count; i++)
        {
            var entry = marked[i];
            var (token, hash) = tokens.Issue();
            issued[i] = token;
            sends[i] = new InvitationSend
            {
                InvitationId = Guid.CreateVersion7(now),
                ImportId = ImportId,
                Sequence = entry.Sequence,
                Line = entry.Line,
                Address = entry.Address,
                AddressKey = EmailAddressNormalizer.Normalize(entry.Address, Options.DuplicateComparison),
                DisplayName = entry.DisplayName,
                Fields = entry.Fields,
                InitiatedBy = _report.InitiatedBy,
                TokenHash = hash,
                TokenKeyId = tokens.CurrentKeyId,
                SentAt = now,
                ExpiresAt = expiresAt,
                MessageKey = MessageKey(entry.Sequence),
                ReplacePending = _report.ResendPendingInvitations,
            };
        }

        return new PreparedSends(sends, issued, expiresAt);
    }

    /// <summary>
    /// What may be sent of the entries just marked and recorded, with their tokens: an entry whose invitation was
    /// accepted or revoked meanwhile, or whose address another invitation holds, is not sent, and its outcome goes to
    /// <paramref name="decided"/>, to be stored with the next round.
    /// </summary>
    private async Task<List<SendItem>> SendableAsync(
        List<InviteEntryResult> marked, PreparedSends prepared, IReadOnlyList<InvitationSendStatus> statuses, List<InviteEntryUpdate> decided, Action<Exception> stop)
    {
        var now = _context.Time.GetUtcNow();
        var items = new List<SendItem>(marked.Count);
        for (var i = 0; i < marked.Count; i++)
        {
            var entry = marked[i];
            switch (statuses[i])
            {
                case InvitationSendStatus.Recorded:
                    items.Add(new SendItem(entry, prepared.Tokens[i], prepared.ExpiresAt));
                    break;
                case InvitationSendStatus.AddressInvited:
                    // Another import's invitation holds the address: the store decided, so it is not sent.
                    InvitationRecord? holder;
                    try
                    {
                        holder = (await _context.Store.FindLiveInvitationsAsync(TenantId, [prepared.Sends[i].AddressKey], now, CancellationToken.None).ConfigureAwait(false))[0];
                    }
                    catch (Exception ex)
                    {
                        Log.RecordingFailed(_context.Logger, ex, ImportId, marked.Count);
                        stop(ex);
                        holder = null;
                    }

                    _decidedFromSending.Add(entry.Sequence);
                    decided.Add(HeldByLedger(entry, holder, now));
                    break;
                default:
                    _decidedFromSending.Add(entry.Sequence);
                    decided.Add(new InviteEntryUpdate
                    {
                        Sequence = entry.Sequence,
                        Outcome = InviteOutcome.Invited,
                        Reason = entry.Reason,
                        Detail = "Its invitation was accepted or revoked before this send: not sent again.",
                        UpdatedAt = now,
                    });
                    break;
            }
        }

        return items;
    }

    /// <summary>
    /// What a live invitation of its address makes of an entry: accepted → an existing user; pending → already invited,
    /// unless the import resends pending invitations (then <see langword="null"/>: it is invited, and replaces it).
    /// </summary>
    internal static InviteOutcome? LedgerOutcome(InvitationRecord holder, bool resendPending) => holder.State switch
    {
        InvitationState.Accepted => InviteOutcome.ExistingUser,
        InvitationState.Pending when !resendPending => InviteOutcome.AlreadyInvited,
        _ => null,
    };

    /// <summary>
    /// The outcome of an entry whose address has a live invitation from another entry: accepted → an existing user;
    /// pending → already invited, naming the import and line of that invitation.
    /// </summary>
    private static InviteEntryUpdate HeldByLedger(InviteEntryResult entry, InvitationRecord? holder, DateTimeOffset now) => holder?.State == InvitationState.Accepted
        ? new InviteEntryUpdate
        {
            Sequence = entry.Sequence,
            Outcome = InviteOutcome.ExistingUser,
            Reason = InviteReasonCodes.Member,
            Detail = string.Create(CultureInfo.InvariantCulture, $"The address accepted the invitation of import {holder.ImportId} (line {holder.Line})."),
            UpdatedAt = now,
        }
        : new InviteEntryUpdate
        {
            Sequence = entry.Sequence,
            Outcome = InviteOutcome.AlreadyInvited,
            Reason = InviteReasonCodes.PendingInvitation,
            Detail = holder is null
                ? "An invitation of the address is pending."
                : string.Create(CultureInfo.InvariantCulture, $"An invitation of import {holder.ImportId} (line {holder.Line}) is pending until {holder.ExpiresAt:u}."),
            UpdatedAt = now,
        };

    private static Task<bool> WaitToReadAsync(ChannelReader<SendCandidate> reader) => reader.WaitToReadAsync(CancellationToken.None).AsTask();

    /// <summary>The left part of an entry's Message-Id: the same for every attempt to send it.</summary>
    private string MessageKey(long sequence) => string.Create(CultureInfo.InvariantCulture, $"{ImportId:N}.{sequence}");

    /// <summary>
    /// Reads the pending entries page by page, asks the user directory about each page (its answers go to the
    /// dispatcher to be stored), and passes the rest on to be sent.
    /// </summary>
    private async Task ProduceAsync(ChannelWriter<SendCandidate> writer, Action<Exception> stop, CancellationToken cancellationToken)
    {
        var check = _context.ExistenceCheck;
        var pageSize = check is null ? SendPageSize : Options.ExistenceCheckBatchSize;
        try
        {
            await foreach (var items in PagesAsync(InviteOutcome.Pending, pageSize, cancellationToken).ConfigureAwait(false))
            {
                // The ledger decides as each invitation is recorded, so only the directory is asked here.
                var answers = check is null ? null : await DecidePageAsync(items, consultLedger: false, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < items.Count; i++)
                {
                    await writer.WriteAsync(new SendCandidate(items[i], answers?[i]), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: what was not handed out stays pending.
        }
        catch (Exception ex)
        {
            // The store or the user directory failed: sending stops, and what was not sent stays pending.
            stop(ex);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>
    /// One attempt: the entry's outcome, the entry handed back to <see cref="InviteOutcome.Pending"/> when it was not
    /// attempted, or nothing when its send was cut off and its fate is unknown (it stays <see cref="InviteOutcome.Sending"/>).
    /// Never throws.
    /// </summary>
    private async ValueTask<InviteEntryUpdate?> SendOneAsync(
        IInvitationSender sender, SendItem item, Action<Exception> stop, CancellationToken stopToken, CancellationToken abortToken)
    {
        var entry = item.Entry;
        if (stopToken.IsCancellationRequested)
        {
            // Stopped before this one was attempted: back to pending, and its email never left.
            return HandBack(entry, notSent: true);
        }

        var invitation = new Invitation
        {
            ImportId = ImportId,
            Sequence = entry.Sequence,
            TenantId = TenantId,
            InitiatedBy = _report.InitiatedBy,
            Address = entry.Address,
            DisplayName = entry.DisplayName,
            Fields = entry.Fields,
            MessageKey = MessageKey(entry.Sequence),
            AcceptToken = item.Token,
            ExpiresAt = item.ExpiresAt,
        };

        // An entry sent again after a crash keeps saying so.
        var resentReason = WasInFlightAfterCrash(entry) ? InviteReasonCodes.InFlightAfterCrash : null;
        try
        {
            var result = await sender.SendAsync(invitation, abortToken).ConfigureAwait(false);
            return result.Succeeded
                ? new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.Invited, Reason = resentReason, Detail = result.Detail, StatusCode = result.StatusCode, UpdatedAt = _context.Time.GetUtcNow() }
                : new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.Failed, Reason = InviteReasonCodes.Rejected, Detail = result.Detail, StatusCode = result.StatusCode, UpdatedAt = _context.Time.GetUtcNow(), WithdrawsInvitation = true };
        }
        catch (OperationCanceledException) when (abortToken.IsCancellationRequested)
        {
            // Cut off after the grace period: whether the message left is unknown, so the entry stays Sending.
            return null;
        }
        catch (InvitationTransportException ex)
        {
            // The server could not be reached, refused the session, or the connection failed or timed out during the
            // send: pending again, and its invitation kept, since the message may have left.
            Log.TransportUnavailable(_context.Logger, ex, ImportId);
            stop(ex);
            return HandBack(entry, notSent: false);
        }
        catch (Exception ex)
        {
            Log.SendFailedUnexpectedly(_context.Logger, ex, ImportId, entry.Sequence, entry.Line);
            return new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.Failed, Reason = InviteReasonCodes.SenderError, Detail = ex.GetType().Name + ": " + ex.Message, UpdatedAt = _context.Time.GetUtcNow() };
        }
    }

    private InviteEntryUpdate HandBack(InviteEntryResult entry, bool notSent)
        => new() { Sequence = entry.Sequence, Outcome = InviteOutcome.Pending, Reason = entry.Reason, Detail = KeptDetail(entry), UpdatedAt = _context.Time.GetUtcNow(), WithdrawsInvitation = notSent };

    /// <summary>Whether resume made the entry pending again because it was in flight when its import stopped.</summary>
    private static bool WasInFlightAfterCrash(InviteEntryResult entry) => entry.Reason == InviteReasonCodes.InFlightAfterCrash;

    /// <summary>The detail an entry keeps until its outcome: only that of an entry sent again after a crash.</summary>
    private static string? KeptDetail(InviteEntryResult entry) => WasInFlightAfterCrash(entry) ? entry.Detail : null;

    /// <summary>
    /// On resume: the entries a stopped process left <see cref="InviteOutcome.Sending"/> get the
    /// <see cref="BulkInviteOptions.InFlightAfterCrash"/> policy, and the entries a cancellation skipped are pending again.
    /// </summary>
    private async Task PrepareResumeAsync(CancellationToken cancellationToken)
    {
        var policy = Options.InFlightAfterCrash;
        var inFlight = _tally[InviteOutcome.Sending] == 0 ? 0 : await ReviseAsync(InviteOutcome.Sending, static _ => true, (entry, now) => policy == InFlightAfterCrash.Resend
            ? new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.Pending, Reason = InviteReasonCodes.InFlightAfterCrash, Detail = $"Was being sent when the import stopped (Message-Id <{MessageKey(entry.Sequence)}@…>); sent again on resume with the same Message-Id.", UpdatedAt = now }
            : new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.Unknown, Reason = InviteReasonCodes.InFlightAfterCrash, Detail = $"Was being sent when the import stopped (Message-Id <{MessageKey(entry.Sequence)}@…>): whether it was delivered is unknown; look for it in the mail server's log.", UpdatedAt = now },
            cancellationToken).ConfigureAwait(false);
        if (inFlight > 0)
        {
            Log.InFlightAfterCrash(_context.Logger, ImportId, inFlight, policy);
        }

        if (_tally[InviteOutcome.Skipped] == 0)
        {
            return;
        }

        await ReviseAsync(
            InviteOutcome.Skipped,
            static entry => entry.Reason == InviteReasonCodes.Cancelled,
            static (entry, now) => new InviteEntryUpdate { Sequence = entry.Sequence, Outcome = InviteOutcome.Pending, UpdatedAt = now },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An entry to send, or (with <see cref="Update"/>) the user directory's answer for it, to be stored.</summary>
    private readonly record struct SendCandidate(InviteEntryResult Entry, InviteEntryUpdate? Update);

    /// <summary>The invitations of one round's marked entries, with the tokens their emails will carry (never stored).</summary>
    private sealed record PreparedSends(InvitationSend[] Sends, string[] Tokens, DateTimeOffset ExpiresAt);

    /// <summary>Whether a round was stored, with its sends and what the store did with each.</summary>
    private readonly record struct RecordedRound(bool Stored, PreparedSends? Sends, IReadOnlyList<InvitationSendStatus>? Statuses);

    /// <summary>An entry marked and recorded in the ledger, with the token its email carries (never stored).</summary>
    private readonly record struct SendItem(InviteEntryResult Entry, string Token, DateTimeOffset ExpiresAt);

    /// <summary>The end of one attempt: the update to store, or none when the entry stays <see cref="InviteOutcome.Sending"/>.</summary>
    private readonly record struct SendDone(InviteEntryUpdate? Update);
}
