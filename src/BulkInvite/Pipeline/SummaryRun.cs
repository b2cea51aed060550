using System.Diagnostics;
using System.Text;
using BulkInvite.Dedupe;
using BulkInvite.Diagnostics;
using BulkInvite.Parsing;
using System.Runtime.CompilerServices;

namespace BulkInvite.Pipeline;

/// <summary>
/// A preview that keeps only the counts (<see cref="ImportMode.CountOnly"/>): parse, validate,
/// de-duplicate and, when the host has one, ask the user directory about the new addresses; nothing is stored or sent.
/// </summary>
/// <remarks>
/// <para>
/// Plain-text UTF-8 files take the fast path: <see cref="Utf8TextScanner"/> finds the entries on the bytes, an ASCII
/// entry is trimmed, validated and fingerprinted without becoming a string (without a user directory, a second thread,
/// <see cref="DeduplicationWorker"/>, fingerprints them, checks every other one and adds them to the table), and
/// fingerprints go into the table in batches whose slots are prefetched first. Any other entry (non-ASCII, quoted, in angle brackets, too long) is decoded
/// and goes through the same code as a full import (<see cref="MailboxText"/>, the validator, <see cref="AddressKey"/>),
/// so the counts are those of a <see cref="ImportMode.Preview"/>. Other files (CSV, UTF-16) are read by
/// their parser, entry by entry.
/// </para>
/// <para>Nothing is allocated per entry on the fast path unless a user directory needs the new addresses as strings.</para>
/// </remarks>
internal sealed class SummaryRun : IUtf8EntrySink, IDisposable
{
    private const int BatchSize = 256;
    private const int MaxKeyBytes = 1024;

    // Tables from this size on have their pages faulted in ahead by a thread of their own.
    private const long PrefaultBytes = 32L << 20;

    private readonly ImportContext _context;
    private readonly BulkInviteRequest _request;
    private readonly EmailValidator? _fastValidator;
    private readonly IEmailValidator _validator;
    private readonly DuplicateComparison _comparison;
    private readonly long _maxEntries;
    private readonly bool _rejectOverLimit;
    private readonly OutcomeTally _tally = new();
    private readonly char[] _keyChars = new char[AddressKey.BufferLength];
    private readonly byte[] _keyBytes = new byte[MaxKeyBytes];
    private readonly ulong[] _highs = new ulong[BatchSize];
    private readonly uint[] _lows = new uint[BatchSize];
    private readonly bool[] _added = new bool[BatchSize];
    private readonly List<string> _directoryBatch = [];
    private readonly List<string>? _batchKeys;
    private AddressSet _addresses = null!;
    private DeduplicationWorker? _worker;
    private Utf8EntryDecoder? _decoder;
    private int _maxEntryLength;
    private int _batched;
    private long _sequence;

    public SummaryRun(ImportContext context, BulkInviteRequest request)
    {
        _context = context;
        _request = request;
        _validator = context.Validator;
        _fastValidator = context.Validator as EmailValidator;
        _comparison = context.Options.DuplicateComparison;
        _maxEntryLength = context.Options.Parsing.MaxEntryLength;
        _maxEntries = context.Options.MaxEntries;
        _rejectOverLimit = context.Options.OverLimitBehavior == OverLimitBehavior.Reject;
        _batchKeys = context.ExistenceCheck is null ? null : new List<string>(BatchSize);
    }

    public async Task<BulkInviteReport> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = Instrumentation.ActivitySource.StartActivity("BulkInvite.Summary");
        var started = Stopwatch.GetTimestamp();
        var createdAt = _context.Time.GetUtcNow();
        var options = _context.Options;
        var content = _request.Content;
        long? knownLength = content.CanSeek ? content.Length - content.Position : null;
        if (knownLength > options.MaxFileBytes)
        {
            throw LimitedReadStream.TooLarge(options.MaxFileBytes);
        }

        // Sized for the file at the outset (about 29 bytes a line in a typical list), so that the table does not
        // grow, and so briefly hold its old and new arrays at once, while the file is read.
        // A summary reports counts only, so the table keeps no lines (12-byte slots).
        _addresses = new AddressSet(knownLength is { } bytes ? ImportRun.ExpectedEntries(bytes, options) : 0, keepLines: false);
        if (_addresses.AllocatedBytes >= PrefaultBytes)
        {
            _addresses.PrefaultInBackground();
        }

        // Without a user directory nothing needs the new addresses as they are found: a second core adds them to the table.
        if (_batchKeys is null && Environment.ProcessorCount > 1)
        {
            _worker = new DeduplicationWorker(_addresses, _comparison, _fastValidator);
        }

        await using var limited = new LimitedReadStream(content, options.MaxFileBytes);
        var selection = await _context.ParserSelector.SelectAsync(limited, _request.FileName, _request.ParserName, cancellationToken).ConfigureAwait(false);
        if (selection.Parser is TextInviteParser text && ReferenceEquals(selection.Encoding, TextEncodingDetector.Utf8))
        {
            _maxEntryLength = text.Options.MaxEntryLength;
            using var scanner = new Utf8TextScanner(_maxEntryLength);
            await scanner.ScanAsync(selection.Content, this, CheckUsersIfDueAsync, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await foreach (var entry in selection.Parser.ParseAsync(selection.Content, cancellationToken).ConfigureAwait(false))
            {
                Classify(entry);
                if (_batched == 0)
                {
                    await CheckUsersIfDueAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            Release();
        }

        if (_worker is not null)
        {
            var (unique, duplicate, invalid) = await _worker.CompleteAsync().ConfigureAwait(false);
            _tally.Add(InviteOutcome.Pending, unique);
            _tally.Add(InviteOutcome.Duplicate, duplicate);
            _tally.Add(InviteOutcome.Invalid, invalid);
        }

        await CheckUsersAsync(cancellationToken).ConfigureAwait(false);
        var counts = _tally.ToCounts();
        Log.PreviewCompleted(_context.Logger, _request.ImportId ?? Guid.Empty, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, counts.Pending);
        return new BulkInviteReport
        {
            ImportId = _request.ImportId ?? Guid.NewGuid(),
            TenantId = _request.TenantId,
            FileName = _request.FileName,
            InitiatedBy = _request.InitiatedBy,
            IsPreview = true,
            Status = ImportStatus.Completed,
            Counts = counts,
            CreatedAt = createdAt,
            CompletedAt = _context.Time.GetUtcNow(),
            UpdatedAt = _context.Time.GetUtcNow(),
            ParserName = selection.Parser.Name,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Token(ReadOnlySpan<byte> token, long line, bool simple)
    {
        if (simple)
        {
            var address = TextTrimming.TrimAscii(token, out _);
            if (address.IsEmpty)
            {
                return;
            }

            if (_worker is not null && _fastValidator is not null)
            {
                // The common case. Every other ASCII entry is checked by the worker, which then normalizes and counts
                // it; the others here, the plain ones in one pass: the checking is shared between the cores.
                if ((_sequence & 1) == 0 && address.Length <= Math.Min(_maxEntryLength, AddressSyntax.MaxAddressOctets) && Ascii.IsValid(address))
                {
                    if (Counted())
                    {
                        _worker.AddEntry(address);
                    }

                    return;
                }

                if (PlainAddress.IsCertainlyValidUtf8(address, _fastValidator.AllowInternational))
                {
                    if (Counted())
                    {
                        _worker.Add(address);
                    }

                    return;
                }
            }

            // What was trimmed is ASCII whitespace, so the address tells whether the whole entry is ASCII.
            if (Ascii.IsValid(address))
            {
                ClassifyAscii(address);
                return;
            }
        }

        // Decoded and collected as the full import's text parser does it.
        if ((_decoder ??= new Utf8EntryDecoder(_maxEntryLength)).TryDecode(token, line, out var entry))
        {
            Classify(entry);
        }
    }

    public void LongToken(TokenBuffer token, long line) => Classify(Utf8EntryDecoder.ToEntry(token, line));

    /// <summary>Adds the batch of fingerprints to the table: every slot prefetched first, then each added in file order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Release()
    {
        var count = _batched;
        if (count == 0)
        {
            return;
        }

        var added = _added.AsSpan(0, count);
        var unique = _addresses.AddGroup(_highs.AsSpan(0, count), _lows.AsSpan(0, count), default, added);
        _tally.Add(InviteOutcome.Pending, unique);
        _tally.Add(InviteOutcome.Duplicate, count - unique);
        if (_batchKeys is not null)
        {
            for (var i = 0; i < count; i++)
            {
                if (added[i])
                {
                    _directoryBatch.Add(_batchKeys[i]);
                }
            }
        }

        _batchKeys?.Clear();
        _batched = 0;
    }

    public void Dispose()
    {
        _worker?.Dispose();
        _addresses?.Dispose();
        _decoder?.Dispose();
    }

    /// <summary>An ASCII entry, trimmed, that the one-pass check did not pass: counted, validated by the full rules, normalized.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ClassifyAscii(ReadOnlySpan<byte> address)
    {
        if (!Counted())
        {
            return;
        }

        if (address.Length > _maxEntryLength)
        {
            _tally.Add(InviteOutcome.Invalid);
            return;
        }

        InvalidReason reason;
        if (_fastValidator is not null)
        {
            reason = _fastValidator.Validate(address);
        }
        else
        {
            Span<char> chars = address.Length <= 256 ? stackalloc char[256] : new char[address.Length];
            Ascii.ToUtf16(address, chars, out var written);
            reason = _validator.Validate(chars[..written]);
        }

        if (reason != InvalidReason.None)
        {
            _tally.Add(InviteOutcome.Invalid);
            return;
        }

        if (_worker is not null)
        {
            _worker.Add(address);
            return;
        }

        // Valid addresses are at most 254 bytes.
        AddToBatch(AddressKey.GetAscii(address, _comparison, _keyBytes));
    }

    private void Classify(in InviteEntry entry)
    {
        if (!Counted())
        {
            return;
        }

        var address = entry.Address ?? string.Empty;
        if (entry.Problem != InvalidReason.None || _validator.Validate(address) != InvalidReason.None)
        {
            _tally.Add(InviteOutcome.Invalid);
            return;
        }

        AddToBatch(AddressKey.GetUtf8(address, _comparison, _keyChars, _keyBytes));
    }

    /// <summary>Counts one more entry against <see cref="BulkInviteOptions.MaxEntries"/>; entries past it are skipped or refused.</summary>
    private bool Counted()
    {
        if (++_sequence <= _maxEntries)
        {
            return true;
        }

        if (_rejectOverLimit)
        {
            throw ImportRun.TooManyEntries(_maxEntries);
        }

        _tally.Add(InviteOutcome.Skipped);
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddToBatch(ReadOnlySpan<byte> key)
    {
        if (_worker is not null)
        {
            _worker.Add(key);
            return;
        }

        var (high, low) = _addresses.FingerprintUtf8(key);
        var i = _batched;
        _highs[i] = high;
        _lows[i] = low;
        _batchKeys?.Add(Encoding.UTF8.GetString(key));
        if (++_batched == BatchSize)
        {
            Release();
        }
    }

    private ValueTask CheckUsersIfDueAsync(CancellationToken cancellationToken)
        => _directoryBatch.Count >= _context.Options.ExistenceCheckBatchSize ? new ValueTask(CheckUsersAsync(cancellationToken)) : default;

    /// <summary>Asks the user directory about the new addresses found so far, in batches of <see cref="BulkInviteOptions.ExistenceCheckBatchSize"/>.</summary>
    private async Task CheckUsersAsync(CancellationToken cancellationToken)
    {
        var check = _context.ExistenceCheck;
        if (check is null)
        {
            return;
        }

        Release();
        var size = _context.Options.ExistenceCheckBatchSize;
        for (var offset = 0; offset < _directoryBatch.Count; offset += size)
        {
            var addresses = _directoryBatch.GetRange(offset, Math.Min(size, _directoryBatch.Count - offset));
            var statuses = await check.CheckAsync(new UserExistenceQuery { TenantId = _request.TenantId, Addresses = addresses }, cancellationToken).ConfigureAwait(false);
            if (statuses is null || statuses.Count != addresses.Count)
            {
                throw new InvalidOperationException(
                    $"The user-existence check {check.GetType().Name} returned {statuses?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} statuses for {addresses.Count} addresses; it must return one status per address, in order.");
            }

            foreach (var status in statuses)
            {
                if (status == UserStatus.Member)
                {
                    _tally.Move(InviteOutcome.Pending, InviteOutcome.ExistingUser);
                }
                else if (status == UserStatus.PendingInvitation && !_request.ResendPendingInvitations)
                {
                    _tally.Move(InviteOutcome.Pending, InviteOutcome.AlreadyInvited);
                }
            }
        }

        _directoryBatch.Clear();
    }
}
