namespace BulkInvite;

/// <summary>
/// The history store's data is damaged: what was asked for cannot all be read (a durable store's file was
/// overwritten, truncated or written by a failing disk). Thrown instead of answering with part of the data; nothing is
/// repaired. Restore the store from a backup.
/// </summary>
public class InviteHistoryCorruptException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InviteHistoryCorruptException()
        : this("The invitation history is damaged.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is damaged.</param>
    public InviteHistoryCorruptException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is damaged.</param>
    /// <param name="innerException">The store's own error, if it reported one.</param>
    public InviteHistoryCorruptException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
