using BenchmarkDotNet.Attributes;
using BulkInvite.Dedupe;
using BulkInvite.Pipeline;

namespace BulkInvite.Benchmarks;

/// <summary>
/// The de-duplication fingerprint of 10,000 valid corpus addresses, letters folded as <see cref="DuplicateComparison.IgnoreCase"/>
/// compares them: the function in use (multiply-shift in one vector for keys of up to 32 bytes) against the
/// multiply-rotate lanes that longer keys keep, on the same keys; and the table's inserts of 10 million fingerprints.
/// </summary>
[MemoryDiagnoser]
public class FingerprintBenchmarks
{
    private const int TableInserts = 10_000_000;
    private const int PrefetchDistance = EntryClassifier.Lookahead;

    private readonly AddressHasher _hasher = new(42);
    private byte[][] _keys = [];
    private ulong[] _highs = [];
    private uint[] _lows = [];

    [GlobalSetup]
    public void Setup()
    {
        var validator = EmailValidator.Default;
        _keys = [.. AddressCorpus.Create(10_000).Where(a => validator.Validate(a) == InvalidReason.None).Select(System.Text.Encoding.UTF8.GetBytes)];

        // 10 million fingerprints, 3 % of them repeats of earlier ones, as a big file gives them.
        var random = new Random(1);
        _highs = new ulong[TableInserts];
        _lows = new uint[TableInserts];
        for (var i = 0; i < TableInserts; i++)
        {
            var source = i > 0 && random.Next(100) < 3 ? random.Next(i) : -1;
            _highs[i] = source >= 0 ? _highs[source] : (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 32);
            _lows[i] = source >= 0 ? _lows[source] : (uint)random.NextInt64(); // all 32 bits: the low part places the slot
        }
    }

    [Benchmark(Baseline = true, Description = "multiply-rotate lanes (longer keys)")]
    public ulong MultiplyRotate()
    {
        ulong sum = 0;
        foreach (var key in _keys)
        {
            var (high, low) = _hasher.HashLong(key, ignoreCase: true);
            sum += high ^ low;
        }

        return sum;
    }

    [Benchmark(Description = "in use (multiply-shift in one vector up to 32 bytes)")]
    public ulong InUse()
    {
        ulong sum = 0;
        foreach (var key in _keys)
        {
            _ = _hasher.TryHashAsciiIgnoreCase(key, out var high, out var low);
            sum += high ^ low;
        }

        return sum;
    }

    [Benchmark(Description = "table: 10 M inserts into a new table of 8-byte slots", OperationsPerInvoke = 1)]
    public int TableInserts10M()
    {
        // As the classifier adds them: each slot prefetched a few fingerprints ahead, so that the cache misses of a
        // table of hundreds of megabytes overlap instead of coming one by one.
        using var set = new AddressSet(_hasher, TableInserts, keepLines: false);
        var ahead = Math.Min(PrefetchDistance, TableInserts);
        for (var i = 0; i < ahead; i++)
        {
            set.Prefetch(_lows[i]);
        }

        var added = 0;
        for (var i = 0; i < TableInserts; i++)
        {
            if (i + PrefetchDistance < TableInserts)
            {
                set.Prefetch(_lows[i + PrefetchDistance]);
            }

            added += set.TryAdd(_highs[i], _lows[i], 0, out _) ? 1 : 0;
        }

        return added;
    }
}
