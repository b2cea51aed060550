namespace BulkInvite;

/// <summary>Checks UTF-16 text that holds non-ASCII characters: its UTF-8 length and its encoding.</summary>
internal static class Utf16Text
{
    /// <summary>
    /// Reports <see cref="InvalidReason.AddressTooLong"/> when the address takes more than 254 octets in UTF-8, then
    /// <see cref="InvalidReason.InvalidEncoding"/> for an unpaired surrogate or U+FFFD (the mark of text that was
    /// decoded from invalid bytes). An unpaired surrogate counts three octets, as its replacement would.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <returns>The reason, or <see cref="InvalidReason.None"/>.</returns>
    internal static InvalidReason Check(ReadOnlySpan<char> address)
    {
        int octets = 0;
        bool invalid = false;
        for (int i = 0; i < address.Length; i++)
        {
            char c = address[i];
            if (c < 0x80)
            {
                octets++;
            }
            else if (c < 0x800)
            {
                octets += 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < address.Length && char.IsLowSurrogate(address[i + 1]))
            {
                octets += 4;
                i++;
            }
            else
            {
                octets += 3;
                invalid |= char.IsSurrogate(c) || c == '\uFFFD';
            }
        }

        if (octets > AddressSyntax.MaxAddressOctets)
        {
            return InvalidReason.AddressTooLong;
        }

        return invalid ? InvalidReason.InvalidEncoding : InvalidReason.None;
    }
}
