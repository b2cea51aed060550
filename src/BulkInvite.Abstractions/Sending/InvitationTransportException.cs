namespace BulkInvite;

/// <summary>The transport that delivers invitations is unavailable (for example the mail server is down).</summary>
public class InvitationTransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvitationTransportException()
        : this("The invitation transport is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public InvitationTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public InvitationTransportException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the server's status code.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The server's status code, if any.</param>
    /// <param name="isTransient">Whether trying again later may succeed.</param>
    /// <param name="innerException">The cause.</param>
    public InvitationTransportException(string message, int? statusCode, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        IsTransient = isTransient;
    }

    /// <summary>The server's status code, if any.</summary>
    public int? StatusCode { get; }

    /// <summary>Whether trying again later may succeed.</summary>
    public bool IsTransient { get; }
}
