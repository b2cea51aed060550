using System.Threading.Channels;
using BulkInvite.Diagnostics;

namespace BulkInvite.Pipeline;

internal sealed partial class ImportRun
{
    private const int SendPageSize = 500;
    private const int RecordBatchSize = 256;
    private const int MaxSendChunk = 16;

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        _stage = ImportStage.Sending;
        var sender = _context.Sender ?? throw new InvalidOperationException(BulkInviteService.NoSenderMessage);
        if (_tally[InviteOutcome.Pending] == 0)
        {
            return;
        }

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parallelism = Options.MaxParallelSends;
        // Entries go out in small chunks, so that a hand-over (and the wake-up of a waiting sender) is paid per chunk,
        // not per entry; a chunk is small enough that every sender gets work, however few the entries.
        var chunk = (int)Math.Clamp(_tally[InviteOutcome.Pending] / (parallelism * 4L), 1, MaxSendChunk);
        var work = Channel.CreateBounded<InviteEntryResult[]>(new BoundedChannelOptions(parallelism * 2) { SingleWriter = true });
        var outcomes = Channel.CreateUnbounded<InviteEntryUpdate>(new UnboundedChannelOptions { SingleReader = true });
        Exception? stopReason = null;

        void Stop(Exception reason)
        {
            Interlocked.CompareExchange(ref stopReason, reason, null);
            abort.Cancel();
        }

        var recorder = RecordOutcomesAsync(outcomes.Reader, Stop);
        var producer = Task.Run(() => ProduceAsync(work.Writer, outcomes.Writer, chunk, Stop, abort.Token), CancellationToken.None);
        var consumers = new Task[parallelism];
        for (var i = 0; i < consumers.Length; i++)
        {
            consumers[i] = Task.Run(() => ConsumeAsync(sender, work.Reader, outcomes.Writer, Stop, abort.Token), CancellationToken.None);
        }

        try
        {
            await Task.WhenAll([producer, .. consumers]).ConfigureAwait(false);
        }
        finally
        {
            outcomes.Writer.TryComplete();
            await recorder.ConfigureAwait(false);
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
    /// Reads the pending entries page by page, asks the user directory about each page (existing users and pending
    /// invitations go to the recorder, not to a sender), and hands the rest out in chunks.
    /// </summary>
    private async Task ProduceAsync(
        ChannelWriter<InviteEntryResult[]> writer, ChannelWriter<InviteEntryUpdate> outcomes, int chunk, Action<Exception> stop, CancellationToken cancellationToken)
    {
        var check = _context.ExistenceCheck;
        var pageSize = check is null ? SendPageSize : Options.ExistenceCheckBatchSize;
        var toSend = new List<InviteEntryResult>(pageSize);
        try
        {
            long after = 0;
            while (true)
            {
                var page = await _context.Store.ListEntriesAsync(
                    TenantId, ImportId, new EntryQuery { Outcome = InviteOutcome.Pending, AfterSequence = after, Limit = pageSize, IncludeTotalCount = false }, cancellationToken)
                    .ConfigureAwait(false);
                var items = page.Items;
                if (items.Count == 0)
                {
                    break;
                }

                var sendable = items;
                if (check is not null)
                {
                    var statuses = await CheckPageAsync(check, items, cancellationToken).ConfigureAwait(false);
                    var now = _context.Time.GetUtcNow();
                    toSend.Clear();
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (ExistenceUpdate(items[i], statuses[i], now) is { } update)
                        {
                            outcomes.TryWrite(update);
                        }
                        else
                        {
                            toSend.Add(items[i]);
                        }
                    }

                    sendable = toSend;
                }

                for (var start = 0; start < sendable.Count; start += chunk)
                {
                    var part = new InviteEntryResult[Math.Min(chunk, sendable.Count - start)];
                    for (var i = 0; i < part.Length; i++)
                    {
                        part[i] = sendable[start + i];
                    }

                    await writer.WriteAsync(part, cancellationToken).ConfigureAwait(false);
                }

                if (!page.HasMore)
                {
                    break;
                }

                after = items[^1].Sequence;
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

    private async Task ConsumeAsync(
        IInvitationSender sender,
        ChannelReader<InviteEntryResult[]> reader,
        ChannelWriter<InviteEntryUpdate> outcomes,
        Action<Exception> stop,
        CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var part in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var entry in part)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return; // Stopped: the rest of the chunk stays pending.
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
                    };

                    InviteEntryUpdate update;
                    try
                    {
                        var result = await sender.SendAsync(invitation, cancellationToken).ConfigureAwait(false);
                        update = result.Succeeded
                            ? new InviteEntryUpdate(entry.Sequence, InviteOutcome.Invited, null, result.Detail, result.StatusCode, _context.Time.GetUtcNow())
                            : new InviteEntryUpdate(entry.Sequence, InviteOutcome.Failed, ReasonCodes.Rejected, result.Detail, result.StatusCode, _context.Time.GetUtcNow());
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        return; // The entry stays pending.
                    }
                    catch (InvitationTransportException ex)
                    {
                        Log.TransportUnavailable(_context.Logger, ex, ImportId);
                        stop(ex);
                        return;
                    }
                    catch (Exception ex)
                    {
                        Log.SendFailedUnexpectedly(_context.Logger, ex, ImportId, entry.Sequence, entry.Line);
                        update = new InviteEntryUpdate(
                            entry.Sequence, InviteOutcome.Failed, ReasonCodes.SenderError, ex.GetType().Name + ": " + ex.Message, null, _context.Time.GetUtcNow());
                    }

                    outcomes.TryWrite(update);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while waiting for work.
        }
    }

    /// <summary>Stores outcomes as they arrive, in as few writes as the store's pace allows; never cancelled itself.</summary>
    private async Task RecordOutcomesAsync(ChannelReader<InviteEntryUpdate> reader, Action<Exception> stop)
    {
        var failed = false;
        var pending = new List<InviteEntryUpdate>(RecordBatchSize);
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            pending.Clear();
            while (pending.Count < RecordBatchSize && reader.TryRead(out var update))
            {
                pending.Add(update);
            }

            if (failed || pending.Count == 0)
            {
                continue;
            }

            // The store gets a list of its own, as long as the outcomes it holds (the store may keep it).
            var batch = pending.ToArray();

            try
            {
                await _context.Store.UpdateEntriesAsync(TenantId, ImportId, batch, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Without a record of outcomes, sending must stop: a resumed import would send these again.
                failed = true;
                stop(ex);
                continue;
            }

            foreach (var update in batch)
            {
                _tally.Move(InviteOutcome.Pending, update.Outcome);
                Instrumentation.CountEntries(update.Outcome, 1);
            }

            await CheckpointAsync(force: false).ConfigureAwait(false);
        }
    }
}
