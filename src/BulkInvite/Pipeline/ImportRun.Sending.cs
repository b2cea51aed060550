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
        var producer = Task.Run(() => ProduceAsync(work.Writer, chunk, abort.Token), CancellationToken.None);
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

        if (stopReason is not null)
        {
            Rethrow(stopReason);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task ProduceAsync(ChannelWriter<InviteEntryResult[]> writer, int chunk, CancellationToken cancellationToken)
    {
        try
        {
            long after = 0;
            while (true)
            {
                var page = await _context.Store.ListEntriesAsync(
                    TenantId, ImportId, new EntryQuery { Outcome = InviteOutcome.Pending, AfterSequence = after, Limit = SendPageSize, IncludeTotalCount = false }, cancellationToken)
                    .ConfigureAwait(false);
                var items = page.Items;
                for (var start = 0; start < items.Count; start += chunk)
                {
                    var part = new InviteEntryResult[Math.Min(chunk, items.Count - start)];
                    for (var i = 0; i < part.Length; i++)
                    {
                        part[i] = items[start + i];
                    }

                    await writer.WriteAsync(part, cancellationToken).ConfigureAwait(false);
                }

                if (page.Items.Count == 0 || !page.HasMore)
                {
                    break;
                }

                after = page.Items[^1].Sequence;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: what was not handed out stays pending.
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
