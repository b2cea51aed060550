using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace BulkInvite.Benchmarks;

/// <summary>
/// The front end of a bulk invite on a generated 10-million-line file (about 290 MB, see <see cref="InputFileGenerator"/>):
/// BulkInvite's summary (parse, validate, de-duplicate; no user directory, nothing stored or sent) beside the peers,
/// from reading the bytes and counting line ends up to File.ReadLines with MailAddress and a HashSet.
/// </summary>
/// <remarks>
/// One operation reads the whole file (from the page cache after the first). Set <c>BULKINVITE_BENCH_LINES</c> for
/// another size.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class FrontEndBenchmarks
{
    private string _path = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var lines = long.Parse(Environment.GetEnvironmentVariable("BULKINVITE_BENCH_LINES") ?? "10000000", System.Globalization.CultureInfo.InvariantCulture);
        _path = InputFileGenerator.Cached(lines);
    }

    [Benchmark(Description = "read and count line ends")]
    public long CountLineEnds() => FrontEndPipelines.CountLineEnds(_path);

    [Benchmark(Description = "UTF-8 tokenizer (split, trim)")]
    public long Tokenize() => FrontEndPipelines.TokenizeUtf8(_path);

    [Benchmark(Description = "ReadLines + Split + Trim")]
    public long ReadLinesSplitTrim() => FrontEndPipelines.ReadLinesSplitTrim(_path);

    [Benchmark(Description = "... + MailAddress.TryCreate")]
    public long MailAddress() => FrontEndPipelines.ReadLinesMailAddress(_path);

    [Benchmark(Description = "... + MimeKit MailboxAddress.TryParse")]
    public long MimeKit() => FrontEndPipelines.ReadLinesMimeKit(_path);

    [Benchmark(Description = "... + [GeneratedRegex] (HTML spec)")]
    public long Regex() => FrontEndPipelines.ReadLinesRegex(_path);

    [Benchmark(Baseline = true, Description = "... + MailAddress + HashSet (peer pipeline)")]
    public long PeerPipeline() => FrontEndPipelines.ReadLinesMailAddressHashSet(_path);

    [Benchmark(Description = "BulkInvite ImportAsync CountOnly")]
    public long BulkInvite() => FrontEndPipelines.BulkInviteSummary(_path);
}
