using System.Text;
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
/// An entry is checked and fingerprinted when it is taken, and its slot in the de-duplication table prefetched; it is
/// added to the table, and given to the consumer, <see cref="Lookahead"/> entries later, when the slot is in the cache
/// (a table of hundreds of megabytes otherwise costs a cache miss an entry, one after the other). Everything taken is
/// settled at each pause and by <see cref="Complete"/>.
/// </para>
/// </remarks>
internal sealed class EntryClassifier : IInviteEntrySink
{
    // Enough entries ahead for the slot of the first to arrive in the cache.
    private const int Lookahead = 16;

    // A valid address, and so its key, is at most 254 bytes: entries given as bytes are copied into slots of this size.
    private const int SlotBytes = 256;

    private readonly IEmailValidator _validator;
    private readonly DuplicateComparison _comparison;
    private readonly long _maxEntries;
    private readonly bool _rejectOverLimit;
    private readonly AddressSet _addresses;
    private readonly IClassifiedEntrySink _consumer;
    private readonly char[] _keyChars = new char[AddressKey.BufferLength];
    private readonly Taken[] _taken = new Taken[Lookahead];
    private readonly byte[] _addressBytes = new byte[Lookahead * SlotBytes];
    private readonly byte[] _keyBytes = new byte[Lookahead * SlotBytes];
    private int _first;
    private int _count;

    public EntryClassifier(ImportContext context, AddressSet addresses, IClassifiedEntrySink consumer)
    {
        _validator = context.Validator;
        _comparison = context.Options.DuplicateComparison;
        _maxEntries = context.Options.MaxEntries;
        _rejectOverLimit = context.Options.OverLimitBehavior == OverLimitBehavior.Reject;
        _addresses = addresses;
        _consumer = consumer;
    }

    /// <summary>How many entries were taken.</summary>
    public long Sequence { get; private set; }

    public void Add(in InviteEntry entry)
    {
        ref var taken = ref Next(out var slot);
        taken.Line = entry.Line;
        taken.Entry = entry;
        if (taken.Outcome == InviteOutcome.Skipped)
        {
            return;
        }

        var invalid = entry.Problem != InvalidReason.None ? entry.Problem : _validator.Validate(entry.Address ?? string.Empty);
        if (invalid != InvalidReason.None)
        {
            taken.Outcome = InviteOutcome.Invalid;
            taken.Invalid = invalid;
            return;
        }

        Fingerprint(ref taken, AddressKey.GetUtf8(entry.Address!, _comparison, _keyChars, KeySlot(slot)));
    }

    public void AddAddress(ReadOnlySpan<byte> utf8Address, long line)
    {
        ref var taken = ref Next(out var slot);
        taken.Line = line;
        taken.IsUtf8 = true;
        if (utf8Address.Length <= SlotBytes)
        {
            utf8Address.CopyTo(_addressBytes.AsSpan(slot * SlotBytes));
            taken.AddressLength = utf8Address.Length;
        }
        else
        {
            // Too long to be valid; kept whole for the consumer.
            taken.LongAddress = utf8Address.ToArray();
        }

        if (taken.Outcome == InviteOutcome.Skipped)
        {
            return;
        }

        var invalid = _validator.Validate(utf8Address);
        if (invalid != InvalidReason.None)
        {
            taken.Outcome = InviteOutcome.Invalid;
            taken.Invalid = invalid;
            return;
        }

        // An ASCII address is keyed from its bytes, any other as text.
        var key = Ascii.IsValid(utf8Address)
            ? AddressKey.GetAscii(utf8Address, _comparison, KeySlot(slot))
            : AddressKey.GetUtf8(Encoding.UTF8.GetString(utf8Address), _comparison, _keyChars, KeySlot(slot));
        Fingerprint(ref taken, key);
    }

    /// <summary>Settles what was taken, then lets the consumer pause.</summary>
    public ValueTask PauseAsync(CancellationToken cancellationToken)
    {
        Complete();
        return _consumer.PauseAsync(cancellationToken);
    }

    /// <summary>Adds to the table, and gives to the consumer, every entry taken and not settled yet.</summary>
    public void Complete()
    {
        while (_count > 0)
        {
            SettleFirst();
        }
    }

    /// <summary>Forgets the entries taken and not settled yet (a refused file keeps nothing).</summary>
    public void Discard()
    {
        Array.Clear(_taken);
        _count = 0;
    }

    /// <summary>Numbers the next entry and gives its place; the first one over the limit refuses the file when the limit rejects.</summary>
    private ref Taken Next(out int slot)
    {
        if (Sequence == _maxEntries && _rejectOverLimit)
        {
            // Refused before it is classified, and no more is read.
            throw ImportRun.TooManyEntries(_maxEntries);
        }

        if (_count == Lookahead)
        {
            SettleFirst();
        }

        slot = (_first + _count++) % Lookahead;
        ref var taken = ref _taken[slot];
        taken = default;
        taken.Sequence = ++Sequence;
        taken.Outcome = taken.Sequence > _maxEntries ? InviteOutcome.Skipped : InviteOutcome.Pending;
        return ref taken;
    }

    private Span<byte> KeySlot(int slot) => _keyBytes.AsSpan(slot * SlotBytes, SlotBytes);

    private void Fingerprint(ref Taken taken, ReadOnlySpan<byte> key)
    {
        (taken.High, taken.Low) = _addresses.FingerprintUtf8(key);
        _addresses.Prefetch(taken.Low);
        if (key.Length > SlotBytes || !key.Overlaps(_keyBytes))
        {
            // A key longer than a slot (a long non-ASCII address) got an array of its own.
            taken.LongKey = key.ToArray();
        }

        taken.KeyLength = key.Length;
    }

    private void SettleFirst()
    {
        var slot = _first;
        ref var taken = ref _taken[slot];
        _first = (_first + 1) % Lookahead;
        _count--;
        var outcome = taken.Outcome;
        long firstLine = 0;
        if (outcome == InviteOutcome.Pending && !_addresses.TryAdd(taken.High, taken.Low, taken.Line, out firstLine))
        {
            outcome = InviteOutcome.Duplicate;
        }

        var entry = new ClassifiedEntry
        {
            Sequence = taken.Sequence,
            Line = taken.Line,
            Outcome = outcome,
            Invalid = taken.Invalid,
            DuplicateOfLine = firstLine,
            Entry = taken.Entry,
            IsUtf8 = taken.IsUtf8,
            Utf8Address = taken.LongAddress is { } longAddress ? longAddress : _addressBytes.AsSpan(slot * SlotBytes, taken.AddressLength),
            Key = taken.LongKey is { } longKey ? longKey : _keyBytes.AsSpan(slot * SlotBytes, taken.KeyLength),
        };
        taken = default;
        _consumer.Take(entry);
    }

    /// <summary>What is known of an entry taken and not settled yet.</summary>
    private struct Taken
    {
        public long Sequence;
        public long Line;
        public InviteOutcome Outcome;
        public InvalidReason Invalid;
        public InviteEntry Entry;
        public bool IsUtf8;
        public int AddressLength;
        public byte[]? LongAddress;
        public int KeyLength;
        public byte[]? LongKey;
        public ulong High;
        public uint Low;
    }
}
