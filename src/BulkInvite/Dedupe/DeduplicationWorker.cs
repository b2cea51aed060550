using System.Collections.Concurrent;

namespace BulkInvite.Dedupe;

/// <summary>
/// Counts the unique keys of a summary on a second thread: the reading thread finds, validates and normalizes the
/// addresses and hands their keys over in batches; this thread fingerprints them and adds them to the table, in the
/// order they were found. The two halves of the work take about the same time, so both cores are busy.
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
    private readonly BlockingCollection<KeyBatch> _full = new(QueuedBatches);
    private readonly BlockingCollection<KeyBatch> _free = new();
    private readonly CancellationTokenSource _failed = new();
    private readonly Task _consumer;
    private KeyBatch _current;
    private long _unique;
    private long _duplicate;
    private bool _completed;

    public DeduplicationWorker(AddressSet set, DuplicateComparison comparison)
    {
        _set = set;
        _comparison = comparison;

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
    public void Add(ReadOnlySpan<byte> key)
    {
        var batch = _current;
        if (batch.Count == KeysPerBatch || batch.Used + key.Length > BytesPerBatch)
        {
            Hand();
            batch = _current;
        }

        key.CopyTo(batch.Bytes.AsSpan(batch.Used));
        batch.Used += key.Length;
        batch.Ends[batch.Count++] = batch.Used;
    }

    /// <summary>Waits until every key is in the table.</summary>
    /// <returns>How many keys were new, and how many were seen before.</returns>
    public async Task<(long Unique, long Duplicate)> CompleteAsync()
    {
        if (_current.Count > 0)
        {
            Hand();
        }

        _completed = true;
        _full.CompleteAdding();
        await _consumer.ConfigureAwait(false);
        return (_unique, _duplicate);
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
                for (var first = 0; first < batch.Count; first += PrefetchGroup)
                {
                    var count = Math.Min(PrefetchGroup, batch.Count - first);
                    for (var i = 0; i < count; i++)
                    {
                        var end = ends[first + i];
                        var key = bytes.AsSpan(start, end - start);
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

                        start = end;
                        highs[i] = fingerprint.High;
                        lows[i] = fingerprint.Low;
                    }

                    var unique = _set.AddGroup(highs.AsSpan(0, count), lows.AsSpan(0, count), default, added.AsSpan(0, count));
                    _unique += unique;
                    _duplicate += count - unique;
                }

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

    private static void LowerDomain(Span<byte> key) => System.Text.Ascii.ToLowerInPlace(key[(key.LastIndexOf((byte)'@') + 1)..], out _);

    private sealed class KeyBatch
    {
        public byte[] Bytes { get; } = new byte[BytesPerBatch];

        public int[] Ends { get; } = new int[KeysPerBatch];

        public int Count { get; set; }

        public int Used { get; set; }
    }
}
