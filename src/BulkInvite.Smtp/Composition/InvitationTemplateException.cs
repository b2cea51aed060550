namespace BulkInvite.Smtp;

/// <summary>An invitation template cannot be used: a file is missing, or a placeholder is unknown or malformed.</summary>
public class InvitationTemplateException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public InvitationTemplateException()
        : this("The invitation template is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public InvitationTemplateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvitationTemplateException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one placeholder of one part.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="part">The template part: <c>subject</c>, <c>text</c> or <c>html</c>.</param>
    /// <param name="placeholder">The placeholder as written.</param>
    public InvitationTemplateException(string message, string part, string placeholder)
        : base(message)
    {
        Part = part;
        Placeholder = placeholder;
    }

    /// <summary>The template part: <c>subject</c>, <c>text</c> or <c>html</c>.</summary>
    public string? Part { get; }

    /// <summary>The placeholder as written.</summary>
    public string? Placeholder { get; }
}
