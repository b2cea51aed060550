using System.Threading.Channels;
using BulkInvite.Dedupe;
using BulkInvite.Diagnostics;
using BulkInvite.Parsing;

namespace BulkInvite.Pipeline;

internal sealed partial class ImportRun
{
    private async Task StageAsync(CancellationToken cancellationToken)
    {
        _stage = ImportStage.Staging;
        var request = _request!;
        var content = request.Content;
        if (content.CanSeek && content.Length - content.Position > Options.MaxFileBytes)
        {
            throw LimitedReadStream.TooLarge(Options.MaxFileBytes);
        }

        await using var hashing = new HashingReadStream(content);
        await using var limited = new LimitedReadStream(hashing, Options.MaxFileBytes);
        var selection = await _context.ParserSelector
            .SelectAsync(limited, request.FileName, request.ParserName, cancellationToken).ConfigureAwait(false);
        _report = _report with { ParserName = selection.Parser.Name };

        // The de-duplication table is sized for the file at the outset (about 29 bytes a line in a typical list), so
        // that it does not grow while the file is read.
        using var addresses = new AddressSet(content.CanSeek ? ExpectedEntries(content.Length - content.Position, Options) : 0);
        var stager = new Stager(this, cancellationToken);
        var classifier = new EntryClassifier(_context, addresses, stager);
        var refused = false;
        try
        {
            await selection.Parser.ParseIntoAsync(selection.Content, classifier, cancellationToken).ConfigureAwait(false);
            await classifier.CompleteAsync().ConfigureAwait(false);
        }
        catch (InviteLimitExceededException)
        {
            refused = true;
            throw;
        }
        finally
        {
            if (refused)
            {
                // A file over a limit is refused: the import keeps only its summary, with the reason.
                await classifier.DiscardAsync().ConfigureAwait(false);
                await stager.DiscardAsync().ConfigureAwait(false);
            }
            else
            {
                // Whatever was read is recorded, also when staging stops early (cancelled, unreadable).
                try
                {
                    await classifier.CompleteAsync().ConfigureAwait(false);
                }
                finally
                {
                    await stager.StoreAllAsync().ConfigureAwait(false);
                }
            }
        }

        _report = _report with { ContentHash = hashing.GetHashHex() };
        await CheckRepeatUploadAsync(request, cancellationToken).ConfigureAwait(false);

        Instrumentation.CountEntries(InviteOutcome.Invalid, _tally[InviteOutcome.Invalid]);
        Instrumentation.CountEntries(InviteOutcome.Duplicate, _tally[InviteOutcome.Duplicate]);
        Instrumentation.CountEntries(InviteOutcome.Skipped, _tally[InviteOutcome.Skipped]);
        Log.StagingCompleted(
            _context.Logger, ImportId, classifier.Sequence, selection.Parser.Name, _tally[InviteOutcome.Pending],
            _tally[InviteOutcome.Invalid], _tally[InviteOutcome.Duplicate], _tally[InviteOutcome.Skipped]);
        await CheckpointAsync(force: true).ConfigureAwait(false);
    }

    /// <summary>The stored result of a classified entry.</summary>
    private InviteEntryResult ToResult(in ClassifiedEntry entry, DateTimeOffset now)
    {
        string? reason = null;
        string? detail = null;
        long? duplicateOf = null;
        switch (entry.Outcome)
        {
            case InviteOutcome.Skipped:
                // Only with OverLimitBehavior.SkipExcess: with Reject, the classifier refuses the file at this entry.
                reason = InviteReasonCodes.MaxEntriesExceeded;
                detail = $"Beyond the limit of {Options.MaxEntries:N0} entries.";
                break;
            case InviteOutcome.Invalid:
                reason = InviteReasonCodes.Of(entry.Invalid);
                break;
            case InviteOutcome.Duplicate:
                reason = InviteReasonCodes.DuplicateOfLine;
                duplicateOf = entry.DuplicateOfLine;
                detail = "Duplicate of line " + entry.DuplicateOfLine.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
        }

        return new InviteEntryResult
        {
            Sequence = entry.Sequence,
            Line = entry.Line,
            Address = entry.AddressText(),
            Outcome = entry.Outcome,
            Reason = reason,
            Detail = detail,
            DuplicateOfLine = duplicateOf,
            DisplayName = entry.Entry.DisplayName,
            Fields = entry.Entry.Fields,
            UpdatedAt = now,
        };
    }

    /// <summary>About how many entries a file of <paramref name="bytes"/> holds (29 bytes a line in a typical list), within the limit of entries.</summary>
    internal static int ExpectedEntries(long bytes, BulkInviteOptions options) => (int)Math.Min(Math.Min(bytes / 29, options.MaxEntries), 1 << 28);

    /// <summary>
    /// The import's consumer of classified entries (<see cref="EntryClassifier"/>): collects their results in batches of
    /// <see cref="BulkInviteOptions.StagingBatchSize"/> and hands each full batch to a writer task, which stores them in
    /// order while the file is read.
    /// </summary>
    private sealed class Stager(ImportRun run, CancellationToken cancellationToken) : IClassifiedEntrySink
    {
        // How many full batches may wait for the writer.
        private const int BatchesInFlight = 2;

        private readonly int _batchSize = run.Options.StagingBatchSize;
        private readonly List<List<InviteEntryResult>> _full = [];
        private readonly Channel<List<InviteEntryResult>> _toStore =
            Channel.CreateBounded<List<InviteEntryResult>>(new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
        private Task? _writer;
        private Exception? _writeFailure;
        private bool _batchEnded;
        private List<InviteEntryResult> _batch = new(run.Options.StagingBatchSize);
        private DateTimeOffset _now = run._context.Time.GetUtcNow();

        public bool NeedsKeys => false;

        public void Take(in ClassifiedEntries entries)
        {
            for (var i = 0; i < entries.Count; i++)
            {
                Take(entries[i]);
            }
        }

        private void Take(in ClassifiedEntry entry)
        {
            var result = run.ToResult(entry, _now);
            _batch.Add(result);
            run._tally.Add(result.Outcome);
            run._entriesRead = result.Sequence;
            if (_batch.Count >= _batchSize)
            {
                // To the writer at once when it has room (results stored soon die young, in the first generation of
                // the collector); otherwise held, in order, until the reader's next pause (PauseAsync).
                if (_full.Count > 0 || !TryHandOver(_batch))
                {
                    _full.Add(_batch);
                }

                _batchEnded = true;
                _batch = new List<InviteEntryResult>(_batchSize);
            }
        }

        public ValueTask PauseAsync(CancellationToken cancellationToken) => StoreFullBatchesAsync(cancellationToken);

        /// <summary>
        /// Hands the full batches to the writer, which stores them in order while the next ones are read; waits while
        /// <see cref="BatchesInFlight"/> are waiting already, so that a slow store bounds what is held.
        /// </summary>
        public ValueTask StoreFullBatchesAsync(CancellationToken cancellationToken)
        {
            if (_full.Count > 0)
            {
                return new ValueTask(HandOverAsync(cancellationToken));
            }

            if (!_batchEnded)
            {
                return default;
            }

            // Batches went to the writer as they filled: progress is reported here, between reads.
            _batchEnded = false;
            _now = run._context.Time.GetUtcNow();
            return run.CheckpointAsync(force: false);
        }

        /// <summary>Stores every result not stored yet, in order, after the writer has ended; never cancelled itself.</summary>
        public async Task StoreAllAsync()
        {
            var store = run._context.Store;
            if (_writer is not null)
            {
                _toStore.Writer.TryComplete();
                await _writer.ConfigureAwait(false);

                // What the writer did not store (from the batch it failed on, if it failed), in order.
                while (_toStore.Reader.TryRead(out var waiting))
                {
                    await store.AddEntriesAsync(run.TenantId, run.ImportId, waiting, CancellationToken.None).ConfigureAwait(false);
                }
            }

            while (_full.Count > 0)
            {
                await store.AddEntriesAsync(run.TenantId, run.ImportId, _full[0], CancellationToken.None).ConfigureAwait(false);
                _full.RemoveAt(0);
            }

            if (_batch.Count > 0)
            {
                var last = _batch;
                _batch = [];
                await store.AddEntriesAsync(run.TenantId, run.ImportId, last, CancellationToken.None).ConfigureAwait(false);
            }

            if (_writeFailure is not null)
            {
                // Every entry is stored now, but the import does not go on as if the store had not failed.
                Rethrow(_writeFailure);
            }
        }

        /// <summary>
        /// Drops what is not stored yet and deletes what was, in one store call, after the writer has ended: what a
        /// refused file leaves. The counts go back to zero. Never cancelled itself.
        /// </summary>
        public async Task DiscardAsync()
        {
            _full.Clear();
            _batch = [];
            if (_writer is not null)
            {
                _toStore.Writer.TryComplete();
                while (_toStore.Reader.TryRead(out _))
                {
                }

                // A failure of the writer changes nothing now: the entries it stored are deleted below.
                await _writer.ConfigureAwait(false);
            }

            await run.KeepOnlySummaryAsync().ConfigureAwait(false);
        }

        private bool TryHandOver(List<InviteEntryResult> batch)
        {
            StartWriter();
            return _toStore.Writer.TryWrite(batch);
        }

        private void StartWriter() => _writer ??= Task.Run(() => WriteAsync(cancellationToken), CancellationToken.None);

        private async Task HandOverAsync(CancellationToken cancellationToken)
        {
            StartWriter();
            while (_full.Count > 0)
            {
                try
                {
                    await _toStore.Writer.WriteAsync(_full[0], cancellationToken).ConfigureAwait(false);
                }
                catch (ChannelClosedException) when (_writeFailure is not null)
                {
                    // The store failed: staging stops with the store's error (the batch stays, for StoreAllAsync).
                    Rethrow(_writeFailure);
                }

                _full.RemoveAt(0);
            }

            _batchEnded = false;
            _now = run._context.Time.GetUtcNow();
            await run.CheckpointAsync(force: false).ConfigureAwait(false);
        }

        /// <summary>Stores the batches handed over, one at a time and in order; stops at the first failure, leaving that batch first in the channel.</summary>
        private async Task WriteAsync(CancellationToken cancellationToken)
        {
            var reader = _toStore.Reader;
            try
            {
                while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    while (reader.TryPeek(out var batch))
                    {
                        await run._context.Store.AddEntriesAsync(run.TenantId, run.ImportId, batch, cancellationToken).ConfigureAwait(false);
                        reader.TryRead(out _);
                    }
                }
            }
            catch (Exception ex)
            {
                _writeFailure = ex;
                _toStore.Writer.TryComplete(ex);
            }
        }
    }
}
