using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Channels;
using BulkInvite.Dedupe;

namespace BulkInvite.Pipeline;

/// <summary>
/// The one classification of an upload's entries, for an import, a preview and a count-only run alike: numbers each
/// entry, applies <see cref="BulkInviteOptions.MaxEntries"/>, validates the address (<see cref="IEmailValidator"/>, its
/// UTF-8 overload for entries given as bytes), makes its comparison key (<see cref="AddressKey"/>) and de-duplicates it
/// (<see cref="AddressSet"/>), and gives the result to its consumer, in file order.
/// </summary>
/// <remarks>
/// <para>
/// Fed by <see cref="IInviteFileParser.ParseIntoAsync"/>, whatever the parser: a host's own parser that gives only
/// <see cref="InviteEntry"/> values gets the same outcomes, and a host's own validator is called through the interface.
/// </para>
/// <para>
/// Entries are taken in batches of up to <see cref="BatchCapacity"/>, which end early at each pause of the parser. An
/// entry is numbered (and the limit applied) when it is taken. A batch is settled in file order: each entry is
/// checked and fingerprinted, its slot in the de-duplication table prefetched, and it is added to the table, and given
/// to the consumer, <see cref="Lookahead"/> entries later, when the slot is in the cache (a table of hundreds of
/// megabytes otherwise costs a cache miss an entry, one after the other). The consumer pauses after each batch that
/// ended at a pause of the parser.
/// </para>
/// <para>
/// On a machine with more than one core, the batches are settled on a second thread while the parser reads and takes
/// the next ones (at most <see cref="BatchesAhead"/> wait), and the parser's thread checks and fingerprints part of
/// each batch before it hands it over (the checks are pure, so which thread makes them changes nothing); the table,
/// the consumer and its pauses belong to the second thread alone, so outcomes and their order are those of one
/// thread. A failure of the second thread (the consumer's or its store's) is thrown to the parser at its next
/// hand-over, and by <see cref="CompleteAsync"/>.
/// </para>
/// </remarks>
internal sealed class EntryClassifier : IInviteEntrySink
{
    // Enough entries ahead for the slot of the first to arrive in the cache.
    internal const int Lookahead = 16;

    // Entries in one batch.
    private const int BatchCapacity = 8192;

    // How many batches may wait for the second thread while the parser fills the next one.
    private const int BatchesAhead = 3;

    // A valid address, and so its key, is at most 254 bytes: longer entries given as bytes get arrays of their own.
    private const int SlotBytes = 256;

    // Of every eight entries of a batch, how many the parser's thread checks before it hands the batch over: the
    // parser's thread also reads, tokenizes and takes every entry, which costs about what the other thread's table
    // inserts and hand-over to the consumer cost (docs/benchmarks.md, "Both cores").
    private const int TakerShare = 2;

    private readonly long _maxEntries;
    private readonly bool _rejectOverLimit;
    private readonly AddressSet _addresses;
    private readonly IClassifiedEntrySink _consumer;
    private readonly bool _needsKeys;
    private readonly bool _parallel;
    private readonly Checker _takerChecker;
    private readonly Checker _settlerChecker;
    private readonly Channel<Batch>? _full;
    private readonly Channel<Batch>? _free;
    private Task? _settler;
    private Batch? _current;
    private bool _pausePending;
    private volatile ExceptionDispatchInfo? _failure;
    private bool _failureThrown;
    private volatile bool _discarding;

    public EntryClassifier(ImportContext context, AddressSet addresses, IClassifiedEntrySink consumer)
        : this(context, addresses, consumer, Environment.ProcessorCount > 1)
    {
    }

    /// <summary>Creates the classifier, on two threads or on the caller's alone.</summary>
    internal EntryClassifier(ImportContext context, AddressSet addresses, IClassifiedEntrySink consumer, bool parallel)
    {
        _needsKeys = consumer.NeedsKeys;
        _takerChecker = new Checker(context.Validator, context.Options.DuplicateComparison, addresses.Hasher, _needsKeys);
        _settlerChecker = new Checker(context.Validator, context.Options.DuplicateComparison, addresses.Hasher, _needsKeys);
        _maxEntries = context.Options.MaxEntries;
        _rejectOverLimit = context.Options.OverLimitBehavior == OverLimitBehavior.Reject;
        _addresses = addresses;
        _consumer = consumer;
        _parallel = parallel;
        if (parallel)
        {
            // BatchesAhead + 1 batches exist (the free ones and the one being filled) and only they go round between the
            // two threads, so neither queue can hold more: bounded by that count, a write never waits, and memory stays
            // what the batches take whatever the file holds.
            var options = new BoundedChannelOptions(BatchesAhead + 1) { SingleReader = true, SingleWriter = true };
            _full = Channel.CreateBounded<Batch>(options);
            _free = Channel.CreateBounded<Batch>(options);
            for (var i = 0; i < BatchesAhead; i++)
            {
                _free.Writer.TryWrite(new Batch());
            }
        }

        _current = new Batch();
    }

    /// <summary>How many entries were taken.</summary>
    public long Sequence { get; private set; }

    public void Add(in InviteEntry entry)
    {
        var batch = Next(out var index, 0, _needsKeys ? Math.Min(Encoding.UTF8.GetMaxByteCount((entry.Address ?? string.Empty).Length), SlotBytes) : 0);
        ref var taken = ref batch.Arena.Entries[index];
        taken.Line = entry.Line;
        batch.Arena.Given[index] = entry;
        CheckShare(batch, index);
    }

    public void AddAddress(ReadOnlySpan<byte> utf8Address, long line)
    {
        var fits = utf8Address.Length <= SlotBytes;
        var batch = Next(out var index, fits ? utf8Address.Length : 0, fits && _needsKeys ? utf8Address.Length : 0);
        ref var taken = ref batch.Arena.Entries[index];
        taken.Line = line;
        taken.IsUtf8 = true;
        if (fits)
        {
            utf8Address.CopyTo(batch.Arena.Bytes.AsSpan(taken.AddressOffset));
            taken.AddressLength = utf8Address.Length;
        }
        else
        {
            // Too long to be valid; kept whole for the consumer.
            batch.Arena.LongAddresses[index] = utf8Address.ToArray();
            taken.HasLongAddress = true;
        }

        CheckShare(batch, index);
    }

    /// <summary>Ends the batch; the consumer pauses after it, where it may wait (for its store, or its user directory).</summary>
    public ValueTask PauseAsync(CancellationToken cancellationToken)
    {
        if (!_parallel)
        {
            Settle(_current!);
            return _consumer.PauseAsync(cancellationToken);
        }

        ThrowIfFailed();
        if (!_pausePending && _current is not { Count: > 0 })
        {
            // Nothing taken since the consumer's last pause.
            return default;
        }

        // When the batch that ended last ended full, an empty batch carries the pause.
        _current ??= TakeFree(cancellationToken);
        _current.PauseToken = cancellationToken;
        HandOver(pause: true);
        return WaitForBatchAsync(cancellationToken);
    }

    /// <summary>
    /// Adds to the table, and gives to the consumer, every entry taken and not settled yet, and waits for the second
    /// thread to end; throws its failure if it failed and the failure was not thrown yet.
    /// </summary>
    public async ValueTask CompleteAsync()
    {
        if (!_parallel)
        {
            Settle(_current!);
            return;
        }

        if (_failure is null && _current is { Count: > 0 })
        {
            HandOver(pause: false);
        }

        await StopSettlerAsync().ConfigureAwait(false);
        if (_failure is not null)
        {
            // What the second thread did not settle is settled here, as the file was read, without pauses.
            while (_full!.Reader.TryRead(out var left))
            {
                Settle(left);
            }

            if (_current is not null)
            {
                Settle(_current);
            }

            ThrowIfFailed();
        }
    }

    /// <summary>Forgets the entries taken and not settled yet (a refused file keeps nothing), and waits for the second thread to end.</summary>
    public async ValueTask DiscardAsync()
    {
        _discarding = true;
        _current?.Clear();
        await StopSettlerAsync().ConfigureAwait(false);
    }

    /// <summary>Numbers the next entry and gives its place; the first one over the limit refuses the file when the limit rejects.</summary>
    private Batch Next(out int index, int addressBytes, int keyBytes)
    {
        if (Sequence == _maxEntries && _rejectOverLimit)
        {
            // Refused before it is classified, and no more is read.
            throw ImportRun.TooManyEntries(_maxEntries);
        }

        var batch = _current;
        if (batch is not null && !batch.HasRoom(addressBytes + keyBytes))
        {
            if (_parallel)
            {
                HandOver(pause: false);
                batch = null;
            }
            else
            {
                Settle(batch);
            }
        }

        batch ??= _current = TakeFree(CancellationToken.None);
        index = batch.Count++;
        ref var taken = ref batch.Arena.Entries[index];
        taken = default;
        if (index == 0)
        {
            batch.FirstSequence = Sequence + 1;
        }

        taken.Outcome = ++Sequence > _maxEntries ? InviteOutcome.Skipped : InviteOutcome.Pending;
        taken.AddressOffset = batch.Reserve(addressBytes);
        taken.KeyOffset = batch.Reserve(keyBytes);
        taken.KeyRoom = keyBytes;
        return batch;
    }

    /// <summary>The parser's thread checks its share of the entries it takes, when the batch is settled on another.</summary>
    private void CheckShare(Batch batch, int index)
    {
        if (_parallel && (index & 7) < TakerShare)
        {
            _takerChecker.Check(batch.Arena, index);
        }
    }

    /// <summary>Settles a batch in file order: checks what is not checked yet, prefetches, adds to the table, and gives the batch to the consumer.</summary>
    /// <remarks>What is used for every entry is held in locals: the parser's thread writes to this object's fields as it takes entries.</remarks>
    private void Settle(Batch batch)
    {
        var arena = batch.Arena;
        var entries = arena.Entries;
        var count = batch.Count;
        var checker = _settlerChecker;
        var addresses = _addresses;
        var consumer = _consumer;
        for (var i = 0; i < count + Lookahead; i++)
        {
            if (i < count)
            {
                ref var next = ref entries[i];
                if (!next.Checked)
                {
                    checker.Check(arena, i);
                }

                if (next.Outcome == InviteOutcome.Pending)
                {
                    addresses.Prefetch(next.Low);
                }
            }

            if (i >= Lookahead)
            {
                ref var settled = ref entries[i - Lookahead];
                if (settled.Outcome == InviteOutcome.Pending && !addresses.TryAdd(settled.High, settled.Low, settled.Line, out var firstLine))
                {
                    settled.Outcome = InviteOutcome.Duplicate;
                    settled.DuplicateOfLine = firstLine;
                }
            }
        }

        consumer.Take(new ClassifiedEntries(arena, count, batch.FirstSequence));
        batch.Clear();
    }

    /// <summary>One settled entry of a batch, as its consumer reads it.</summary>
    internal static ClassifiedEntry Describe(Arena arena, int index, long sequence)
    {
        ref var taken = ref arena.Entries[index];
        var bytes = arena.Bytes;
        return new ClassifiedEntry
        {
            Sequence = sequence,
            Line = taken.Line,
            Outcome = taken.Outcome,
            Invalid = taken.Invalid,
            DuplicateOfLine = taken.DuplicateOfLine,
            Entry = taken.IsUtf8 ? default : arena.Given[index],
            IsUtf8 = taken.IsUtf8,
            Utf8Address = taken.HasLongAddress ? arena.LongAddresses[index] : bytes.AsSpan(taken.AddressOffset, taken.AddressLength),
            Key = taken.HasLongKey ? arena.LongKeys[index] : bytes.AsSpan(taken.KeyOffset, taken.KeyLength),
        };
    }

    /// <summary>Gives the batch being filled to the second thread, which it starts the first time.</summary>
    private void HandOver(bool pause)
    {
        var batch = _current!;
        _current = null;
        batch.Pause = pause;
        _pausePending = !pause;
        _full!.Writer.TryWrite(batch);
        _settler ??= Task.Factory.StartNew(SettleAll, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Takes a free batch, waiting (blocking the parser) while <see cref="BatchesAhead"/> wait for the second thread.</summary>
    private Batch TakeFree(CancellationToken cancellationToken)
    {
        if (!_parallel)
        {
            return _current!;
        }

        ThrowIfFailed();
        if (_free!.Reader.TryRead(out var batch))
        {
            return batch;
        }

        try
        {
            return _free.Reader.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            ThrowIfFailed();
            throw;
        }
    }

    /// <summary>Waits, at the parser's pause, for a free batch to fill next: where a slow consumer holds the parser back.</summary>
    private async ValueTask WaitForBatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            _current = await _free!.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            ThrowIfFailed();
            throw;
        }
    }

    /// <summary>
    /// The second thread: settles the batches handed over, in order, and lets the consumer pause after those that ended
    /// at a pause. A thread of its own, which waits for the consumer's pause (its store's hand-over) as the parser's
    /// thread would have.
    /// </summary>
    private void SettleAll()
    {
        var reader = _full!.Reader;
        try
        {
            while (!_discarding)
            {
                if (!reader.TryRead(out var batch))
                {
                    var wait = reader.WaitToReadAsync(CancellationToken.None);
                    if (!(wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult()))
                    {
                        return;
                    }

                    continue;
                }

                var (pause, pauseToken) = (batch.Pause, batch.PauseToken);
                Settle(batch);
                if (pause)
                {
                    var paused = _consumer.PauseAsync(pauseToken);
                    if (paused.IsCompletedSuccessfully)
                    {
                        paused.GetAwaiter().GetResult();
                    }
                    else
                    {
                        paused.AsTask().GetAwaiter().GetResult();
                    }
                }

                _free!.Writer.TryWrite(batch);
            }
        }
        catch (Exception ex)
        {
            _failure = ExceptionDispatchInfo.Capture(ex);
            _free!.Writer.TryComplete();
        }
    }

    private async ValueTask StopSettlerAsync()
    {
        _full?.Writer.TryComplete();
        if (_settler is not null)
        {
            await _settler.ConfigureAwait(false);
        }
    }

    /// <summary>Throws the second thread's failure, once.</summary>
    private void ThrowIfFailed()
    {
        if (_failure is not null && !_failureThrown)
        {
            _failureThrown = true;
            _failure.Throw();
        }
    }

    /// <summary>The pure part of classifying an entry, one for each thread that does it.</summary>
    private sealed class Checker(IEmailValidator validator, DuplicateComparison comparison, AddressHasher hasher, bool needsKeys)
    {
        private readonly char[] _keyChars = new char[AddressKey.BufferLength];

        // Where a key is made when the consumer does not read keys.
        private readonly byte[] _keyScratch = new byte[SlotBytes];

        /// <summary>Validates the entry and, when it is valid, makes its key and fingerprint: the pure part of classifying it.</summary>
        public void Check(in Arena arena, int index)
        {
            ref var taken = ref arena.Entries[index];
            var bytes = arena.Bytes;
            taken.Checked = true;
            if (taken.Outcome == InviteOutcome.Skipped)
            {
                return;
            }

            InvalidReason invalid;
            ReadOnlySpan<byte> key;
            var keyRoom = needsKeys ? bytes.AsSpan(taken.KeyOffset, taken.KeyRoom) : _keyScratch;
            if (taken.IsUtf8)
            {
                var address = taken.HasLongAddress ? arena.LongAddresses[index] : bytes.AsSpan(taken.AddressOffset, taken.AddressLength);
                invalid = validator.Validate(address);
                if (invalid != InvalidReason.None)
                {
                    taken.Outcome = InviteOutcome.Invalid;
                    taken.Invalid = invalid;
                    return;
                }

                // An ASCII address is keyed from its bytes, any other as text; when no key is kept and case is ignored
                // throughout, an ASCII address is fingerprinted as it is read, lower-cased on the way.
                if (!needsKeys && comparison == DuplicateComparison.IgnoreCase && hasher.TryHashAsciiIgnoreCase(address, out taken.High, out taken.Low))
                {
                    return;
                }

                key = Ascii.IsValid(address)
                    ? AddressKey.GetAscii(address, comparison, address.Length <= keyRoom.Length ? keyRoom : new byte[address.Length])
                    : AddressKey.GetUtf8(Encoding.UTF8.GetString(address), comparison, _keyChars, keyRoom);
            }
            else
            {
                var entry = arena.Given[index];
                invalid = entry.Problem != InvalidReason.None ? entry.Problem : validator.Validate(entry.Address ?? string.Empty);
                if (invalid != InvalidReason.None)
                {
                    taken.Outcome = InviteOutcome.Invalid;
                    taken.Invalid = invalid;
                    return;
                }

                key = AddressKey.GetUtf8(entry.Address!, comparison, _keyChars, keyRoom);
            }

            (taken.High, taken.Low) = hasher.HashUtf8(key);
            if (!needsKeys)
            {
                return;
            }

            if (!key.Overlaps(bytes))
            {
                // A key longer than its room (a long non-ASCII address) got an array of its own.
                arena.LongKeys[index] = key.ToArray();
                taken.HasLongKey = true;
            }

            taken.KeyLength = key.Length;
        }
    }

    /// <summary>Entries taken together, and the bytes of their addresses and keys: filled by the parser, settled in order.</summary>
    private sealed class Batch
    {
        public readonly Arena Arena = new(
            new Taken[BatchCapacity], new byte[BatchCapacity * 64], new InviteEntry[BatchCapacity], new byte[BatchCapacity][], new byte[BatchCapacity][]);

        public int Count;

        /// <summary>The sequence number of the first entry.</summary>
        public long FirstSequence;

        public int BytesUsed;

        /// <summary>Whether the consumer pauses after this batch.</summary>
        public bool Pause;

        /// <summary>Cancels the consumer's pause.</summary>
        public CancellationToken PauseToken;

        public bool HasRoom(int bytes) => Count < BatchCapacity && BytesUsed + bytes <= Arena.Bytes.Length;

        public int Reserve(int bytes)
        {
            var offset = BytesUsed;
            BytesUsed += bytes;
            return offset;
        }

        /// <summary>Empties the batch; each entry is cleared when it is taken again.</summary>
        public void Clear()
        {
            Count = 0;
            BytesUsed = 0;
            Pause = false;
            PauseToken = default;
        }
    }

    /// <summary>
    /// The arrays of a batch, passed by value to the code that settles it so that it does not read the batch's own
    /// fields, which the parser's thread writes for the batch it fills. Entries of rare shapes keep their parts in side
    /// arrays, so that <see cref="Taken"/> stays small.
    /// </summary>
    internal readonly record struct Arena(Taken[] Entries, byte[] Bytes, InviteEntry[] Given, byte[][] LongAddresses, byte[][] LongKeys);

    /// <summary>What is known of an entry taken and not settled yet.</summary>
    internal struct Taken
    {
        public long Line;
        public long DuplicateOfLine;
        public ulong High;
        public uint Low;
        public int AddressOffset;
        public int AddressLength;
        public int KeyOffset;
        public int KeyRoom;
        public int KeyLength;
        public InviteOutcome Outcome;
        public InvalidReason Invalid;
        public bool IsUtf8;
        public bool Checked;
        public bool HasLongAddress;
        public bool HasLongKey;
    }
}
