using BulkInvite.Parsing;

namespace BulkInvite.Tests.Parsing;

[TestFixture]
public sealed class PrefixedReadStreamTests
{
    [Test]
    public void Synchronous_reads_return_the_prefix_then_the_rest()
    {
        using var inner = new MemoryStream([4, 5, 6]);
        using var stream = new PrefixedReadStream(new byte[] { 1, 2, 3 }, inner);
        var buffer = new byte[2];
        var read = new List<byte>();
        int count;
        while ((count = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            read.AddRange(buffer.AsSpan(0, count).ToArray());
        }

        Assert.That(read, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void It_reads_forward_only()
    {
        using var stream = new PrefixedReadStream(ReadOnlyMemory<byte>.Empty, Stream.Null);

        Assert.That(stream.CanRead, Is.True);
        Assert.That(stream.CanSeek, Is.False);
        Assert.That(stream.CanWrite, Is.False);
        Assert.That(() => stream.Length, Throws.TypeOf<NotSupportedException>());
        Assert.That(() => stream.Seek(0, SeekOrigin.Begin), Throws.TypeOf<NotSupportedException>());
        Assert.That(() => stream.Write([1], 0, 1), Throws.TypeOf<NotSupportedException>());
    }

    [Test]
    public void Disposing_it_leaves_the_inner_stream_open()
    {
        using var inner = new MemoryStream([1]);
        var stream = new PrefixedReadStream(ReadOnlyMemory<byte>.Empty, inner);

        stream.Dispose();

        Assert.That(inner.CanRead, Is.True);
    }

    [Test]
    public void An_async_read_with_a_cancelled_token_is_cancelled()
    {
        using var stream = new PrefixedReadStream(new byte[] { 1 }, Stream.Null);

        Assert.CatchAsync<OperationCanceledException>(async () => await stream.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false, new CancellationToken(canceled: true)));
    }
}
