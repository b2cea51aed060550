using System.Text;
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
        using var stager = new Stager(this, content.CanSeek ? ExpectedEntries(content.Length - content.Position, Options) : 0);
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
        finally
        {
            // Whatever was read is recorded, also when staging stops early (cancelled, over a limit).
            await stager.StoreAllAsync().ConfigureAwait(false);
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
            if (Options.OverLimitBehavior == OverLimitBehavior.Reject)
            {
                throw TooManyEntries(Options.MaxEntries);
            }

            outcome = InviteOutcome.Skipped;
            reason = ReasonCodes.MaxEntriesExceeded;
            detail = $"Beyond the limit of {Options.MaxEntries:N0} entries.";
        }
        else if (found.Invalid != InvalidReason.None)
        {
            outcome = InviteOutcome.Invalid;
            reason = ReasonCodes.Of(found.Invalid);
        }
        else if (!addresses.TryAdd(found.High, found.Low, entry.Line, out var firstLine))
        {
            outcome = InviteOutcome.Duplicate;
            reason = ReasonCodes.DuplicateOfLine;
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
    private sealed class Stager(ImportRun run, int expectedEntries) : IUtf8EntrySink, IDisposable
    {
        // How many entries are taken ahead of the one added to the table: enough for its slot to arrive in the cache.
        private const int Lookahead = 8;

        private readonly Found[] _found = new Found[Lookahead];
        private readonly long _maxEntries = run.Options.MaxEntries;
        private readonly IEmailValidator _validator = run._context.Validator;
        private readonly DuplicateComparison _comparison = run.Options.DuplicateComparison;
        private readonly AddressSet _addresses = new(expectedEntries);
        private readonly char[] _keyBuffer = new char[AddressKey.BufferLength];
        private readonly int _batchSize = run.Options.StagingBatchSize;
        private readonly List<List<InviteEntryResult>> _full = [];
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
            if (_ahead == Lookahead)
            {
                SettleFirst();
            }

            ref var found = ref _found[(_first + _ahead) % Lookahead];
            found.Entry = entry;
            found.Sequence = ++Sequence;
            found.Invalid = entry.Problem;
            if (found.Sequence <= _maxEntries && found.Invalid == InvalidReason.None)
            {
                found.Invalid = _validator.Validate(entry.Address ?? string.Empty);
                if (found.Invalid == InvalidReason.None)
                {
                    (found.High, found.Low) = _addresses.Fingerprint(AddressKey.Get(entry.Address!, _comparison, _keyBuffer));
                    _addresses.Prefetch(found.Low);
                }
            }

            _ahead++;
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
            InviteEntryResult result;
            try
            {
                result = run.Classify(found, _addresses, _now);
            }
            catch
            {
                // Refused (over the limit of entries): this entry and those taken after it are not staged.
                Array.Clear(_found);
                _ahead = 0;
                throw;
            }

            found = default;
            _first = (_first + 1) % Lookahead;
            _ahead--;
            _batch.Add(result);
            run._tally.Add(result.Outcome);
            run._entriesRead = result.Sequence;
            if (_batch.Count >= _batchSize)
            {
                _full.Add(_batch);
                _batch = new List<InviteEntryResult>(_batchSize);
            }
        }

        /// <summary>Stores the batches that are full.</summary>
        public ValueTask StoreFullBatchesAsync(CancellationToken cancellationToken) =>
            _full.Count == 0 ? default : new ValueTask(StoreAsync(cancellationToken));

        /// <summary>Stores every result not stored yet; never cancelled itself.</summary>
        public async Task StoreAllAsync()
        {
            Flush();
            await StoreAsync(CancellationToken.None).ConfigureAwait(false);
            if (_batch.Count > 0)
            {
                var last = _batch;
                _batch = [];
                await run._context.Store.AddEntriesAsync(run.TenantId, run.ImportId, last, CancellationToken.None).ConfigureAwait(false);
            }
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
                    Add(new InviteEntry(line, Encoding.ASCII.GetString(text), InvalidReason.None));
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

        private async Task StoreAsync(CancellationToken cancellationToken)
        {
            // A batch leaves the list once it is stored: one the store failed on is offered again at the end.
            while (_full.Count > 0)
            {
                await run._context.Store.AddEntriesAsync(run.TenantId, run.ImportId, _full[0], cancellationToken).ConfigureAwait(false);
                _full.RemoveAt(0);
                _now = run._context.Time.GetUtcNow();
                await run.CheckpointAsync(force: false).ConfigureAwait(false);
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
