using System.Globalization;

namespace BulkInvite.Smtp.Pickup;

/// <summary>
/// Names pickup files <c>{yyyyMMdd-HHmmss}-{import id, first 8 hex digits}-{sequence:D8}-{address}</c>, with the
/// address reduced to characters that are safe in file names on every OS.
/// </summary>
internal static class PickupFileName
{
    /// <summary>The most characters of the address kept in the name.</summary>
    public const int MaxAddressLength = 64;

    /// <summary>Creates the name without extension.</summary>
    /// <param name="date">When the message was composed.</param>
    /// <param name="invitation">The invitation.</param>
    /// <returns>The name.</returns>
    public static string Create(DateTimeOffset date, Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{date.UtcDateTime:yyyyMMdd-HHmmss}-{invitation.ImportId.ToString("N").AsSpan(0, 8)}-{invitation.Sequence:D8}-{Sanitize(invitation.Address)}");
    }

    /// <summary>
    /// Keeps ASCII letters, digits and <c>. _ - @ +</c>, replaces every other character (path separators, reserved
    /// characters, non-ASCII) with <c>_</c>, and keeps at most <see cref="MaxAddressLength"/> characters.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <returns>The safe text.</returns>
    public static string Sanitize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var length = Math.Min(address.Length, MaxAddressLength);
        if (length == 0)
        {
            return "_";
        }

        return string.Create(length, address, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or '+' ? c : '_';
            }
        });
    }
}
