namespace BulkInvite;

/// <summary>An upload exceeds a configured limit (file size or number of entries); nothing was sent.</summary>
public class InviteLimitExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InviteLimitExceededException()
        : this("The upload exceeds a configured limit.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Which limit was exceeded.</param>
    public InviteLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Which limit was exceeded.</param>
    /// <param name="innerException">The cause.</param>
    public InviteLimitExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a named limit.</summary>
    /// <param name="limitName">The option that sets the limit, for example <c>MaxEntries</c>.</param>
    /// <param name="limit">The configured limit.</param>
    /// <param name="message">Which limit was exceeded.</param>
    public InviteLimitExceededException(string limitName, long limit, string message)
        : base(message)
    {
        LimitName = limitName;
        Limit = limit;
    }

    /// <summary>The option that sets the limit, for example <c>MaxEntries</c> or <c>MaxFileBytes</c>.</summary>
    public string? LimitName { get; }

    /// <summary>The configured value of the limit.</summary>
    public long? Limit { get; }
}
