using System.Net.Http.Headers;
using System.Text;

namespace BulkInvite.Web.Tests;

/// <summary>
/// A multipart form with the antiforgery token and one file whose content (repeated address lines) is generated while
/// it is read, so that a request of any size is sent without holding it in memory. It has no length: the client sends
/// it chunked.
/// </summary>
internal sealed class GeneratedUpload : Stream
{
    private const string Boundary = "----generated-upload-boundary";
    private static readonly byte[] Line = Encoding.ASCII.GetBytes("someone@example.com\n");

    private readonly byte[] _head;
    private readonly byte[] _tail;
    private readonly long _fileBytes;
    private long _position;

    private GeneratedUpload(string token, long fileBytes)
    {
        _head = Encoding.ASCII.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{token}\r\n" +
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.txt\"\r\nContent-Type: text/plain\r\n\r\n");
        _tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        _fileBytes = fileBytes;
    }

    /// <summary>Bytes handed out so far.</summary>
    public long BytesRead => _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <summary>The request content: the form, with no Content-Length.</summary>
    public static StreamContent Create(string token, long fileBytes, out GeneratedUpload body)
    {
        body = new GeneratedUpload(token, fileBytes);
        var content = new StreamContent(body, 64 * 1024);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        return content;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            var at = _position;
            int n;
            if (at < _head.Length)
            {
                n = Copy(_head.AsSpan((int)at), buffer[written..]);
            }
            else if (at - _head.Length < _fileBytes)
            {
                var inFile = at - _head.Length;
                var lineOffset = (int)(inFile % Line.Length);
                var left = _fileBytes - inFile;
                var part = Line.AsSpan(lineOffset);
                n = Copy(part[..(int)Math.Min(part.Length, left)], buffer[written..]);
            }
            else if (at - _head.Length - _fileBytes < _tail.Length)
            {
                n = Copy(_tail.AsSpan((int)(at - _head.Length - _fileBytes)), buffer[written..]);
            }
            else
            {
                break;
            }

            _position += n;
            written += n;
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static int Copy(ReadOnlySpan<byte> from, Span<byte> to)
    {
        var n = Math.Min(from.Length, to.Length);
        from[..n].CopyTo(to);
        return n;
    }
}
