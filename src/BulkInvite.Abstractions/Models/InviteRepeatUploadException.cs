namespace BulkInvite;

/// <summary>
/// The same file content was imported for this tenant a short while ago; nothing was sent. Set
/// <see cref="BulkInviteRequest.AllowRepeatUpload"/> to import it again on purpose.
/// </summary>
public class InviteRepeatUploadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InviteRepeatUploadException()
        : this("The same file was imported a short while ago.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public InviteRepeatUploadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public InviteRepeatUploadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the earlier import.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="previousImportId">The earlier import of the same content.</param>
    /// <param name="previousCreatedAt">When the earlier import was started.</param>
    public InviteRepeatUploadException(string message, Guid previousImportId, DateTimeOffset previousCreatedAt)
        : base(message)
    {
        PreviousImportId = previousImportId;
        PreviousCreatedAt = previousCreatedAt;
    }

    /// <summary>The earlier import of the same content.</summary>
    public Guid? PreviousImportId { get; }

    /// <summary>When the earlier import was started.</summary>
    public DateTimeOffset? PreviousCreatedAt { get; }
}
