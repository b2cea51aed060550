using System.Text;
using BulkInvite.Dedupe;

namespace BulkInvite.Pipeline;

/// <summary>
/// The one classification of an upload's entries, for an import, a preview and a count-only run alike: numbers each
/// entry, applies <see cref="BulkInviteOptions.MaxEntries"/>, validates the address (<see cref="IEmailValidator"/>, its
/// UTF-8 overload for entries given as bytes), makes its comparison key (<see cref="AddressKey"/>) and de-duplicates it
/// (<see cref="AddressSet"/>), and gives the result to its consumer.
/// </summary>
/// <remarks>
/// Fed by <see cref="IInviteFileParser.ParseIntoAsync"/>, whatever the parser: a host's own parser that gives only
/// <see cref="InviteEntry"/> values gets the same outcomes, and a host's own validator is called through the interface.
/// </remarks>
internal sealed class EntryClassifier : IInviteEntrySink
{
    private const int StackKeyBytes = 1024;

    private readonly IEmailValidator _validator;
    private readonly DuplicateComparison _comparison;
    private readonly long _maxEntries;
    private readonly bool _rejectOverLimit;
    private readonly AddressSet _addresses;
    private readonly IClassifiedEntrySink _consumer;
    private readonly char[] _keyChars = new char[AddressKey.BufferLength];
    private readonly byte[] _keyBytes = new byte[StackKeyBytes];

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
        var sequence = Next();
        if (sequence > _maxEntries)
        {
            _consumer.Take(new ClassifiedEntry { Sequence = sequence, Line = entry.Line, Outcome = InviteOutcome.Skipped, Entry = entry });
            return;
        }

        var invalid = entry.Problem != InvalidReason.None ? entry.Problem : _validator.Validate(entry.Address ?? string.Empty);
        if (invalid != InvalidReason.None)
        {
            _consumer.Take(new ClassifiedEntry { Sequence = sequence, Line = entry.Line, Outcome = InviteOutcome.Invalid, Invalid = invalid, Entry = entry });
            return;
        }

        var key = AddressKey.GetUtf8(entry.Address!, _comparison, _keyChars, _keyBytes);
        var outcome = Deduplicate(key, entry.Line, out var firstLine);
        _consumer.Take(new ClassifiedEntry { Sequence = sequence, Line = entry.Line, Outcome = outcome, DuplicateOfLine = firstLine, Entry = entry, Key = key });
    }

    public void AddAddress(ReadOnlySpan<byte> utf8Address, long line)
    {
        var sequence = Next();
        if (sequence > _maxEntries)
        {
            _consumer.Take(new ClassifiedEntry { Sequence = sequence, Line = line, Outcome = InviteOutcome.Skipped, Utf8Address = utf8Address, IsUtf8 = true });
            return;
        }

        var invalid = _validator.Validate(utf8Address);
        if (invalid != InvalidReason.None)
        {
            _consumer.Take(new ClassifiedEntry { Sequence = sequence, Line = line, Outcome = InviteOutcome.Invalid, Invalid = invalid, Utf8Address = utf8Address, IsUtf8 = true });
            return;
        }

        // A valid address is at most 254 bytes; an ASCII one is keyed from its bytes, any other as text.
        var key = Ascii.IsValid(utf8Address)
            ? AddressKey.GetAscii(utf8Address, _comparison, _keyBytes)
            : AddressKey.GetUtf8(Encoding.UTF8.GetString(utf8Address), _comparison, _keyChars, _keyBytes);
        var outcome = Deduplicate(key, line, out var firstLine);
        _consumer.Take(new ClassifiedEntry { Sequence = sequence, Line = line, Outcome = outcome, DuplicateOfLine = firstLine, Utf8Address = utf8Address, IsUtf8 = true, Key = key });
    }

    public ValueTask PauseAsync(CancellationToken cancellationToken) => _consumer.PauseAsync(cancellationToken);

    /// <summary>Numbers the next entry; the first one over the limit refuses the file when the limit rejects.</summary>
    private long Next()
    {
        if (Sequence == _maxEntries && _rejectOverLimit)
        {
            // Refused before it is classified, and no more is read.
            throw ImportRun.TooManyEntries(_maxEntries);
        }

        return ++Sequence;
    }

    private InviteOutcome Deduplicate(ReadOnlySpan<byte> key, long line, out long firstLine)
    {
        var (high, low) = _addresses.FingerprintUtf8(key);
        if (_addresses.TryAdd(high, low, line, out firstLine))
        {
            return InviteOutcome.Pending;
        }

        return InviteOutcome.Duplicate;
    }
}
