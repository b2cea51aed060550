using System.Text;
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
        using var stager = new Stager(this, content.CanSeek ? ExpectedEntries(content.Length - content.Position, Options) : 0, cancellationToken);
        var refused = false;
        try
        {
            if (selection.Parser is TextInviteParser text && ReferenceEquals(selection.Encoding, TextEncodingDetector.Utf8))
            {
                // UTF-8 text, the common upload: entries are found in the bytes, and an ASCII entry becomes its
                // address string at once, without the file being decoded first (the same entries as the text parser's).
                await stager.ScanAsync(selection.Content, text.Options.MaxEntryLength, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await foreach (var entry in selection.Parser.ParseAsync(selection.Content, cancellationToken).ConfigureAwait(false))
                {
                    stager.Add(entry);
                    await stager.StoreFullBatchesAsync(cancellationToken).ConfigureAwait(false);
                }
            }
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
                await stager.DiscardAsync().ConfigureAwait(false);
            }
            else
            {
                // Whatever was read is recorded, also when staging stops early (cancelled, unreadable).
                await stager.StoreAllAsync().ConfigureAwait(false);
            }
        }

        _report = _report with { ContentHash = hashing.GetHashHex() };
        await CheckRepeatUploadAsync(request, cancellationToken).ConfigureAwait(false);

        Instrumentation.CountEntries(InviteOutcome.Invalid, _tally[InviteOutcome.Invalid]);
        Instrumentation.CountEntries(InviteOutcome.Duplicate, _tally[InviteOutcome.Duplicate]);
        Instrumentation.CountEntries(InviteOutcome.Skipped, _tally[InviteOutcome.Skipped]);
        Log.StagingCompleted(
            _context.Logger, ImportId, stager.Sequence, selection.Parser.Name, _tally[InviteOutcome.Pending],
            _tally[InviteOutcome.Invalid], _tally[InviteOutcome.Duplicate], _tally[InviteOutcome.Skipped]);
        await CheckpointAsync(force: true).ConfigureAwait(false);
    }

    /// <summary>The entry's result, from what <see cref="Stager"/> found out about it ahead (its check and fingerprint).</summary>
    private InviteEntryResult Classify(in Stager.Found found, AddressSet addresses, DateTimeOffset now)
    {
        ref readonly var entry = ref found.Entry;
        var address = entry.Address ?? string.Empty;
        InviteOutcome outcome;
        string? reason = null;
        string? detail = null;
        long? duplicateOf = null;

        if (found.Sequence > Options.MaxEntries)
        {
            // Only with OverLimitBehavior.SkipExcess: with Reject, the stager refuses the file when it takes this entry.
            outcome = InviteOutcome.Skipped;
            reason = InviteReasonCodes.MaxEntriesExceeded;
            detail = $"Beyond the limit of {Options.MaxEntries:N0} entries.";
        }
        else if (found.Invalid != InvalidReason.None)
        {
            outcome = InviteOutcome.Invalid;
            reason = InviteReasonCodes.Of(found.Invalid);
        }
        else if (!addresses.TryAdd(found.High, found.Low, entry.Line, out var firstLine))
        {
            outcome = InviteOutcome.Duplicate;
            reason = InviteReasonCodes.DuplicateOfLine;
            duplicateOf = firstLine;
            detail = "Duplicate of line " + firstLine.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            outcome = InviteOutcome.Pending;
        }

        return new InviteEntryResult
        {
            Sequence = found.Sequence,
            Line = entry.Line,
            Address = address,
            Outcome = outcome,
            Reason = reason,
            Detail = detail,
            DuplicateOfLine = duplicateOf,
            DisplayName = entry.DisplayName,
            Fields = entry.Fields,
            UpdatedAt = now,
        };
    }

    /// <summary>About how many entries a file of <paramref name="bytes"/> holds (29 bytes a line in a typical list), within the limit of entries.</summary>
    internal static int ExpectedEntries(long bytes, BulkInviteOptions options) => (int)Math.Min(Math.Min(bytes / 29, options.MaxEntries), 1 << 28);

    /// <summary>
    /// Numbers the entries of the file as they are found, classifies each and collects the results in batches of
    /// <see cref="BulkInviteOptions.StagingBatchSize"/> for the store. Takes entries from a parser, or from
    /// <see cref="Utf8TextScanner"/> as bytes.
    /// </summary>
    private sealed class Stager(ImportRun run, int expectedEntries, CancellationToken cancellationToken) : IUtf8EntrySink, IDisposable
    {
        // How many entries are taken ahead of the one added to the table: enough for its slot to arrive in the cache.
        private const int Lookahead = 8;

        // How many full batches may wait for the writer.
        private const int BatchesInFlight = 2;

        private readonly Found[] _found = new Found[Lookahead];
        private readonly long _maxEntries = run.Options.MaxEntries;
        private readonly bool _rejectOverLimit = run.Options.OverLimitBehavior == OverLimitBehavior.Reject;
        private readonly IEmailValidator _validator = run._context.Validator;
        private readonly EmailValidator? _fastValidator = run._context.Validator as EmailValidator;
        private readonly byte[] _keyBytes = new byte[AddressKey.BufferLength * 3];
        private readonly DuplicateComparison _comparison = run.Options.DuplicateComparison;
        private readonly AddressSet _addresses = new(expectedEntries);
        private readonly char[] _keyBuffer = new char[AddressKey.BufferLength];
        private readonly int _batchSize = run.Options.StagingBatchSize;
        private readonly List<List<InviteEntryResult>> _full = [];
        private readonly Channel<List<InviteEntryResult>> _toStore =
            Channel.CreateBounded<List<InviteEntryResult>>(new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
        private Task? _writer;
        private Exception? _writeFailure;
        private bool _batchEnded;
        private List<InviteEntryResult> _batch = new(run.Options.StagingBatchSize);
        private DateTimeOffset _now = run._context.Time.GetUtcNow();
        private Utf8EntryDecoder? _decoder;
        private int _maxEntryLength = int.MaxValue;
        private int _first;
        private int _ahead;

        /// <summary>How many entries were found.</summary>
        public long Sequence { get; private set; }

        /// <summary>Stages UTF-8 text from its bytes, within the text parser's entry limit.</summary>
        public async Task ScanAsync(Stream content, int maxEntryLength, CancellationToken cancellationToken)
        {
            _maxEntryLength = maxEntryLength;
            _decoder = new Utf8EntryDecoder(maxEntryLength);
            using var scanner = new Utf8TextScanner(maxEntryLength);
            await scanner.ScanAsync(content, this, StoreFullBatchesAsync, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Takes the next entry. It is checked and fingerprinted at once, and its slot in the de-duplication table
        /// fetched; it is added to the table, in file order, a few entries later, when that slot is in the cache.
        /// </summary>
        public void Add(in InviteEntry entry)
        {
            ref var found = ref Next();
            found.Entry = entry;
            found.Invalid = entry.Problem;
            if (found.Sequence <= _maxEntries && found.Invalid == InvalidReason.None)
            {
                found.Invalid = _validator.Validate(entry.Address ?? string.Empty);
                if (found.Invalid == InvalidReason.None)
                {
                    // Fingerprinted in UTF-8, as the entries taken as bytes are (AddAscii).
                    (found.High, found.Low) = _addresses.FingerprintUtf8(AddressKey.GetUtf8(entry.Address!, _comparison, _keyBuffer, _keyBytes));
                    _addresses.Prefetch(found.Low);
                }
            }

            _ahead++;
        }

        /// <summary>Takes an ASCII entry, trimmed and within the entry limit, checked and fingerprinted from its bytes.</summary>
        private void AddAscii(ReadOnlySpan<byte> address, long line)
        {
            ref var found = ref Next();
            var text = Encoding.ASCII.GetString(address);
            found.Entry = new InviteEntry(line, text, InvalidReason.None);
            found.Invalid = InvalidReason.None;
            if (found.Sequence <= _maxEntries)
            {
                found.Invalid = _fastValidator is not null ? _fastValidator.Validate(address) : _validator.Validate(text);
                if (found.Invalid == InvalidReason.None)
                {
                    (found.High, found.Low) = _comparison == DuplicateComparison.IgnoreCase
                        ? _addresses.FingerprintUtf8IgnoreCase(address)
                        : _addresses.FingerprintUtf8(AddressKey.GetAscii(address, _comparison, _keyBytes));
                    _addresses.Prefetch(found.Low);
                }
            }

            _ahead++;
        }

        /// <summary>The place of the next entry taken, numbered; the first one taken is settled when there is no room.</summary>
        private ref Found Next()
        {
            if (Sequence == _maxEntries && _rejectOverLimit)
            {
                // The first entry over the limit: the file is refused before it is classified, and no more is read.
                throw TooManyEntries(_maxEntries);
            }

            if (_ahead == Lookahead)
            {
                SettleFirst();
            }

            ref var found = ref _found[(_first + _ahead) % Lookahead];
            found.Sequence = ++Sequence;
            return ref found;
        }

        /// <summary>Classifies the entries taken and not settled yet.</summary>
        public void Flush()
        {
            while (_ahead > 0)
            {
                SettleFirst();
            }
        }

        private void SettleFirst()
        {
            ref var found = ref _found[_first];
            var result = run.Classify(found, _addresses, _now);
            found = default;
            _first = (_first + 1) % Lookahead;
            _ahead--;
            _batch.Add(result);
            run._tally.Add(result.Outcome);
            run._entriesRead = result.Sequence;
            if (_batch.Count >= _batchSize)
            {
                // To the writer at once when it has room (results stored soon die young, in the first generation of
                // the collector); otherwise held, in order, until the reader's next pause (StoreFullBatchesAsync).
                if (_full.Count > 0 || !TryHandOver(_batch))
                {
                    _full.Add(_batch);
                }

                _batchEnded = true;
                _batch = new List<InviteEntryResult>(_batchSize);
            }
        }

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
            try
            {
                Flush();
            }
            finally
            {
                // Also when the last entries settled go over the limit of entries: those before them are recorded.
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
        }

        /// <summary>
        /// Drops what is not stored yet and deletes what was, in one store call, after the writer has ended: what a
        /// refused file leaves. The counts go back to zero. Never cancelled itself.
        /// </summary>
        public async Task DiscardAsync()
        {
            Array.Clear(_found);
            _ahead = 0;
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

        public void Token(ReadOnlySpan<byte> token, long line, bool simple)
        {
            if (simple)
            {
                var text = TextTrimming.TrimAscii(token, out var start);
                if (text.IsEmpty)
                {
                    return;
                }

                // An ASCII entry within the limit is its own address (a simple token holds no quote or angle bracket):
                // the entry the text parser makes of it (MailboxText.ToEntry) holds the same string and nothing else.
                if (token.Length - start <= _maxEntryLength && Ascii.IsValid(text))
                {
                    AddAscii(text, line);
                    return;
                }
            }

            // Decoded and collected as the text parser does it.
            if (_decoder!.TryDecode(token, line, out var entry))
            {
                Add(entry);
            }
        }

        public void LongToken(TokenBuffer token, long line) => Add(Utf8EntryDecoder.ToEntry(token, line));

        public void Release()
        {
            // Nothing to do: an entry's text is copied out (into its strings) as the entry is taken.
        }

        public void Dispose()
        {
            _addresses.Dispose();
            _decoder?.Dispose();
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

        /// <summary>What is known of an entry taken and not classified yet.</summary>
        internal struct Found
        {
            public InviteEntry Entry;
            public long Sequence;
            public InvalidReason Invalid;
            public ulong High;
            public uint Low;
        }
    }
}
