using System.Collections.Concurrent;

namespace BulkInvite.Dedupe;

/// <summary>
/// Counts the unique keys of a summary on a second thread: the reading thread finds the entries, validates some of them
/// and hands them over in batches; this thread checks the others (when it has the validator), fingerprints the valid
/// ones and adds them to the table, in the order they were found. How the checking is shared is fixed (by
/// the summary: every other entry), so that both cores are busy and nothing depends on timing.
/// </summary>
/// <remarks>A fixed set of batches keeps memory fixed, and nothing is allocated per key: a reader that gets ahead waits.</remarks>
internal sealed class DeduplicationWorker : IDisposable
{
    private const int KeysPerBatch = 8192;
    private const int BytesPerBatch = 512 * 1024;
    private const int QueuedBatches = 4;
    private const int PrefetchGroup = 256;

    private readonly AddressSet _set;
    private readonly DuplicateComparison _comparison;
    private readonly EmailValidator? _checker;
    private readonly BlockingCollection<KeyBatch> _full = new(QueuedBatches);
    private readonly BlockingCollection<KeyBatch> _free = new();
    private readonly CancellationTokenSource _failed = new();
    private readonly Task _consumer;
    private KeyBatch _current;
    private long _unique;
    private long _duplicate;
    private long _invalid;
    private bool _completed;

    /// <param name="set">The table.</param>
    /// <param name="comparison">How keys are compared.</param>
    /// <param name="checker">The validator for <see cref="AddEntry"/>; <see langword="null"/> when only valid keys are added.</param>
    public DeduplicationWorker(AddressSet set, DuplicateComparison comparison, EmailValidator? checker = null)
    {
        _set = set;
        _comparison = comparison;
        _checker = checker;

        // A fixed set of batches: the queued ones, the one being filled and the one being added to the table.
        for (var i = 0; i < QueuedBatches + 1; i++)
        {
            _free.Add(new KeyBatch());
        }

        _current = new KeyBatch();
        _consumer = Task.Factory.StartNew(Consume, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Queues one key (UTF-8): a valid address, normalized already or ASCII; its ASCII letters are lower-cased here as
    /// <see cref="DuplicateComparison"/> asks, within the fingerprint (which changes nothing for a normalized key). The span may be reused as
    /// soon as this returns.
    /// </summary>
    public void Add(ReadOnlySpan<byte> key) => Queue(key, check: false);

    /// <summary>
    /// Queues one trimmed ASCII entry, within the entry limit, to be checked here with the validator's full rules, and
    /// then added as <see cref="Add"/> adds a key, or counted as invalid. Needs the validator.
    /// </summary>
    /// <param name="entry">The entry, ASCII, trimmed; no longer than a valid address can be (longer ones are invalid anyway).</param>
    public void AddEntry(ReadOnlySpan<byte> entry)
    {
        System.Diagnostics.Debug.Assert(_checker is not null, "entries are checked by the validator");
        Queue(entry, check: true);
    }

    /// <summary>Waits until every key is in the table.</summary>
    /// <returns>How many keys were new, how many were seen before, and how many entries were invalid.</returns>
    public async Task<(long Unique, long Duplicate, long Invalid)> CompleteAsync()
    {
        if (_current.Count > 0)
        {
            Hand();
        }

        _completed = true;
        _full.CompleteAdding();
        await _consumer.ConfigureAwait(false);
        return (_unique, _duplicate, _invalid);
    }

    public void Dispose()
    {
        if (!_completed)
        {
            _completed = true;
            _full.CompleteAdding();
            try
            {
                _consumer.Wait();
            }
            catch (AggregateException)
            {
                // The summary failed or was cancelled already; its own exception is the one that surfaces.
            }
        }

        _full.Dispose();
        _free.Dispose();
        _failed.Dispose();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Queue(ReadOnlySpan<byte> key, bool check)
    {
        var batch = _current;
        if (batch.Count == KeysPerBatch || batch.Used + key.Length > BytesPerBatch)
        {
            Hand();
            batch = _current;
        }

        key.CopyTo(batch.Bytes.AsSpan(batch.Used));
        batch.Used += key.Length;

        // An entry to check is marked by its end's complement.
        batch.Ends[batch.Count++] = check ? ~batch.Used : batch.Used;
    }

    private void Hand()
    {
        try
        {
            _full.Add(_current, _failed.Token);
            _current = _free.Take(_failed.Token);
        }
        catch (OperationCanceledException) when (_failed.IsCancellationRequested)
        {
            // The consumer stopped with an exception: it surfaces here.
            _consumer.GetAwaiter().GetResult();
            throw;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Consume()
    {
        try
        {
            var highs = new ulong[PrefetchGroup];
            var lows = new uint[PrefetchGroup];
            var added = new bool[PrefetchGroup];
            foreach (var batch in _full.GetConsumingEnumerable())
            {
                var bytes = batch.Bytes;
                var ends = batch.Ends;
                var start = 0;
                var grouped = 0;
                for (var i = 0; i < batch.Count; i++)
                {
                    var end = ends[i];
                    var check = end < 0;
                    end = check ? ~end : end;
                    var key = bytes.AsSpan(start, end - start);
                    start = end;
                    if (check && _checker!.Validate(key) != InvalidReason.None)
                    {
                        _invalid++;
                        continue;
                    }

                    (ulong High, uint Low) fingerprint;
                    if (_comparison == DuplicateComparison.IgnoreCase)
                    {
                        fingerprint = _set.FingerprintUtf8IgnoreCase(key);
                    }
                    else
                    {
                        LowerDomain(key);
                        fingerprint = _set.FingerprintUtf8(key);
                    }

                    highs[grouped] = fingerprint.High;
                    lows[grouped] = fingerprint.Low;
                    if (++grouped == PrefetchGroup)
                    {
                        AddGroup(highs, lows, added, grouped);
                        grouped = 0;
                    }
                }

                AddGroup(highs, lows, added, grouped);
                batch.Count = 0;
                batch.Used = 0;
                _free.Add(batch);
            }
        }
        catch
        {
            _failed.Cancel();
            throw;
        }
    }

    private void AddGroup(ulong[] highs, uint[] lows, bool[] added, int count)
    {
        var unique = _set.AddGroup(highs.AsSpan(0, count), lows.AsSpan(0, count), default, added.AsSpan(0, count));
        _unique += unique;
        _duplicate += count - unique;
    }

    private static void LowerDomain(Span<byte> key) => System.Text.Ascii.ToLowerInPlace(key[(key.LastIndexOf((byte)'@') + 1)..], out _);

    private sealed class KeyBatch
    {
        public byte[] Bytes { get; } = new byte[BytesPerBatch];

        public int[] Ends { get; } = new int[KeysPerBatch];

        public int Count { get; set; }

        public int Used { get; set; }
    }
}
