namespace BulkInvite;

/// <summary>Limits of the built-in parsers, which keep their memory bounded for any input.</summary>
public sealed class InviteParserOptions
{
    /// <summary>The longest entry kept, in characters; a longer one is cut and reported as <see cref="InvalidReason.EntryTooLong"/>.</summary>
    /// <value>Default: 1024.</value>
    public int MaxEntryLength { get; set; } = 1024;

    /// <summary>The longest CSV field kept, in characters; a longer one is cut and its row reported as <see cref="InvalidReason.EntryTooLong"/>.</summary>
    /// <value>Default: 4096.</value>
    public int MaxFieldLength { get; set; } = 4096;

    /// <summary>The most CSV columns read; further columns of a row are ignored.</summary>
    /// <value>Default: 256.</value>
    public int MaxColumns { get; set; } = 256;
}
