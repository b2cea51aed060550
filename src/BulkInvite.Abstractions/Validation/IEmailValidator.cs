namespace BulkInvite;

/// <summary>Decides whether an address will be accepted by a mail server as a recipient.</summary>
/// <remarks>
/// <para>
/// The validator does not trim: surrounding whitespace is the parser's job, and any whitespace the
/// validator sees makes the address invalid.
/// </para>
/// <para>
/// An import on a machine with more than one core validates the entries of one file on two threads at once, so an
/// implementation must be safe to call concurrently (a validator that keeps no state between calls is).
/// </para>
/// </remarks>
public interface IEmailValidator
{
    /// <summary>Validates one address.</summary>
    /// <param name="address">The address, without display name, angle brackets or surrounding whitespace.</param>
    /// <returns><see cref="InvalidReason.None"/> when the address is valid; otherwise the first reason found.</returns>
    InvalidReason Validate(ReadOnlySpan<char> address);

    /// <summary>Validates one address given as UTF-8 bytes, as the pipeline reads most uploads.</summary>
    /// <remarks>
    /// The default implementation decodes the bytes and calls <see cref="Validate(ReadOnlySpan{char})"/>; bytes that
    /// are not UTF-8 are <see cref="InvalidReason.InvalidEncoding"/>. A validator that can read UTF-8 directly overrides
    /// it; both overloads must give the same answer for the same address.
    /// </remarks>
    /// <param name="utf8Address">The address's UTF-8 bytes, without display name, angle brackets or surrounding whitespace.</param>
    /// <returns><see cref="InvalidReason.None"/> when the address is valid; otherwise the first reason found.</returns>
    InvalidReason Validate(ReadOnlySpan<byte> utf8Address)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8Address))
        {
            return InvalidReason.InvalidEncoding;
        }

        char[]? rented = null;
        var chars = utf8Address.Length <= 256
            ? stackalloc char[256]
            : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(utf8Address.Length));
        try
        {
            var length = System.Text.Encoding.UTF8.GetChars(utf8Address, chars);
            return Validate(chars[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
