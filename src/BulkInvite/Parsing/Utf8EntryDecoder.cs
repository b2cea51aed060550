using System.Buffers;

namespace BulkInvite.Parsing;

/// <summary>
/// The entry the text parser makes of a token that <see cref="TextEntryFeed"/> does not give as bytes: decoded (bytes
/// that are not UTF-8 become U+FFFD), trimmed and cut at the entry limit in a <see cref="TokenBuffer"/>, and split by
/// <see cref="MailboxText"/>.
/// </summary>
internal sealed class Utf8EntryDecoder(int maxEntryLength) : IDisposable
{
    private TokenBuffer? _token;
    private char[] _decoded = [];

    /// <summary>The entry of a token found by the scanner.</summary>
    /// <param name="token">The token's bytes, not trimmed.</param>
    /// <param name="line">The line it is on.</param>
    /// <param name="entry">Receives the entry.</param>
    /// <returns><see langword="false"/> when the token holds nothing but what is trimmed (no entry).</returns>
    public bool TryDecode(ReadOnlySpan<byte> token, long line, out InviteEntry entry)
    {
        if (_decoded.Length < token.Length)
        {
            if (_decoded.Length > 0)
            {
                ArrayPool<char>.Shared.Return(_decoded);
            }

            _decoded = ArrayPool<char>.Shared.Rent(Math.Max(token.Length, 256));
        }

        var chars = TextEncodingDetector.Utf8.GetChars(token, _decoded);
        var buffer = _token ??= new TokenBuffer(Math.Max(1, maxEntryLength));
        buffer.Reset(maxEntryLength);
        buffer.Append(_decoded.AsSpan(0, chars));
        if (buffer.IsEmpty)
        {
            entry = default;
            return false;
        }

        entry = ToEntry(buffer, line);
        return true;
    }

    /// <summary>The entry of a token the scanner collected as characters (one longer than its buffer).</summary>
    /// <param name="token">The token.</param>
    /// <param name="line">The line it is on.</param>
    /// <returns>The entry.</returns>
    public static InviteEntry ToEntry(TokenBuffer token, long line) => MailboxText.ToEntry(line, token.Text, token.Overflowed);

    public void Dispose()
    {
        _token?.Dispose();
        _token = null;
        if (_decoded.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_decoded);
            _decoded = [];
        }
    }
}
