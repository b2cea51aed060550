using System.Text;

namespace BulkInvite.Dedupe;

/// <summary>
/// Writes the comparison key of a valid address: the same text as <see cref="EmailAddressNormalizer.Normalize"/>,
/// without allocating for ASCII addresses (the usual case).
/// </summary>
internal static class AddressKey
{
    /// <summary>The longest address the validator accepts is 254 octets, so a key of ASCII text fits here.</summary>
    public const int BufferLength = 256;

    public static ReadOnlySpan<char> Get(string address, DuplicateComparison comparison, Span<char> buffer)
    {
        if (address.Length > buffer.Length || !Ascii.IsValid(address))
        {
            return EmailAddressNormalizer.Normalize(address, comparison);
        }

        var destination = buffer[..address.Length];
        if (comparison == DuplicateComparison.IgnoreCase)
        {
            Ascii.ToLower(address, destination, out _);
            return destination;
        }

        var at = address.LastIndexOf('@');
        address.AsSpan(0, at + 1).CopyTo(destination);
        Ascii.ToLower(address.AsSpan(at + 1), destination[(at + 1)..], out _);
        return destination;
    }

    /// <summary>The key of a valid ASCII address given as bytes: as <see cref="Get"/> makes it, in UTF-8.</summary>
    /// <param name="address">A valid ASCII address (at most 254 bytes).</param>
    /// <param name="comparison">How addresses are compared.</param>
    /// <param name="buffer">At least as long as the address.</param>
    /// <returns>The key, in <paramref name="buffer"/>.</returns>
    public static ReadOnlySpan<byte> GetAscii(ReadOnlySpan<byte> address, DuplicateComparison comparison, Span<byte> buffer)
    {
        var key = buffer[..address.Length];
        if (comparison == DuplicateComparison.IgnoreCase)
        {
            Ascii.ToLower(address, key, out _);
            return key;
        }

        var at = address.LastIndexOf((byte)'@');
        address[..(at + 1)].CopyTo(key);
        Ascii.ToLower(address[(at + 1)..], key[(at + 1)..], out _);
        return key;
    }

    /// <summary>The key of an address, as <see cref="Get"/> makes it, in UTF-8: how an import and a summary fingerprint it.</summary>
    /// <param name="address">A valid address.</param>
    /// <param name="comparison">How addresses are compared.</param>
    /// <param name="chars">A buffer of <see cref="BufferLength"/> characters.</param>
    /// <param name="bytes">A buffer for the UTF-8 key; a longer key gets an array of its own.</param>
    /// <returns>The key, in <paramref name="bytes"/> when it fits.</returns>
    public static ReadOnlySpan<byte> GetUtf8(string address, DuplicateComparison comparison, Span<char> chars, Span<byte> bytes)
    {
        var normalized = Get(address, comparison, chars);
        var length = Encoding.UTF8.GetByteCount(normalized);
        var key = length <= bytes.Length ? bytes[..length] : new byte[length];
        Encoding.UTF8.GetBytes(normalized, key);
        return key;
    }
}
