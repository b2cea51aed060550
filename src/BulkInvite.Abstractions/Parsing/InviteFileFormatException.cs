namespace BulkInvite;

/// <summary>An uploaded file cannot be read as a list of addresses at all (for example a binary file).</summary>
/// <remarks>A problem with one entry is never an exception: it is that entry's <see cref="InvalidReason"/>.</remarks>
public class InviteFileFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public InviteFileFormatException()
        : this("The file cannot be read as a list of email addresses.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong with the file.</param>
    public InviteFileFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong with the file.</param>
    /// <param name="innerException">The cause.</param>
    public InviteFileFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and the line where the problem was found.</summary>
    /// <param name="message">What is wrong with the file.</param>
    /// <param name="lineNumber">The 1-based line where the problem was found.</param>
    public InviteFileFormatException(string message, long lineNumber)
        : base(message)
    {
        LineNumber = lineNumber;
    }

    /// <summary>The 1-based line where the problem was found, or <see langword="null"/> when it concerns the whole file.</summary>
    public long? LineNumber { get; }
}
