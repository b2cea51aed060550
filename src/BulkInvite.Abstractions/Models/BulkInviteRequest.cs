namespace BulkInvite;

/// <summary>An uploaded file to import, and who imports it for which account.</summary>
/// <remarks>
/// A class, not a record: it holds a <see cref="Stream"/>, which has no value to compare, and new members can be added
/// without breaking callers.
/// </remarks>
public sealed class BulkInviteRequest
{
    /// <summary>The file's content. It is read once, as a stream; the caller keeps ownership and disposes it.</summary>
    public required Stream Content { get; init; }

    /// <summary>The file name as uploaded (used to pick a parser and shown in reports).</summary>
    public required string FileName { get; init; }

    /// <summary>The account (tenant) that invites; history and reports are kept per tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>Who starts the import (shown in history).</summary>
    public required string InitiatedBy { get; init; }

    /// <summary>Whether to send, only preview, or only count.</summary>
    /// <value>Default: <see cref="ImportMode.Send"/>.</value>
    public ImportMode Mode { get; init; }

    /// <summary>The import's id; a new one is made when <see langword="null"/>. Lets a host know the id before the import ends.</summary>
    public Guid? ImportId { get; init; }

    /// <summary>The parser to use by name (for example <c>csv</c>); <see langword="null"/> picks one by file name and content.</summary>
    public string? ParserName { get; init; }

    /// <summary>
    /// The sender to deliver with, by the name it was registered under (for example
    /// <c>AddSmtpSender("marketing", ...)</c>); the default sender when <see langword="null"/>. Only
    /// <see cref="ImportMode.Send"/> uses it.
    /// </summary>
    public string? SenderName { get; init; }

    /// <summary>
    /// Import a file even though the same content was imported for this tenant within
    /// <c>BulkInviteOptions.RepeatUploadWindow</c>; otherwise such a repeat fails with <see cref="InviteRepeatUploadException"/>.
    /// Previews and counts are never refused as repeats.
    /// </summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool AllowRepeatUpload { get; init; }

    /// <summary>Invite addresses that have a pending invitation again.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool ResendPendingInvitations { get; init; }
}
