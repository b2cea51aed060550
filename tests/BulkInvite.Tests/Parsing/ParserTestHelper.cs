using System.Text;

namespace BulkInvite.Tests.Parsing;

internal static class ParserTestHelper
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] WithPreamble(Encoding encoding, string text) => [.. encoding.GetPreamble(), .. encoding.GetBytes(text)];

    public static Task<List<InviteEntry>> ReadAllAsync(IInviteFileParser parser, string text, int chunkSize = int.MaxValue)
        => ReadAllAsync(parser, Utf8(text), chunkSize);

    public static async Task<List<InviteEntry>> ReadAllAsync(IInviteFileParser parser, byte[] bytes, int chunkSize = int.MaxValue)
    {
        using var stream = new ChunkedReadStream(bytes, chunkSize);
        return await ReadAllAsync(parser, stream).ConfigureAwait(false);
    }

    public static async Task<List<InviteEntry>> ReadAllAsync(IInviteFileParser parser, Stream stream, CancellationToken cancellationToken = default)
    {
        var entries = new List<InviteEntry>();
        await foreach (var entry in parser.ParseAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Parses the stream and returns the entries and the bytes allocated meanwhile (by all threads).</summary>
    public static async Task<(List<InviteEntry> Entries, long AllocatedBytes)> ReadAllMeasuringAsync(IInviteFileParser parser, Stream stream)
    {
        var entries = new List<InviteEntry>();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await foreach (var entry in parser.ParseAsync(stream).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return (entries, allocated);
    }
}
