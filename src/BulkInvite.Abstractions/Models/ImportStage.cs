namespace BulkInvite;

/// <summary>The stage an import is in, as reported through progress.</summary>
public enum ImportStage
{
    /// <summary>Reading, validating and de-duplicating the file; nothing is sent yet.</summary>
    Staging = 0,

    /// <summary>Asking the host's user directory about the staged addresses.</summary>
    CheckingUsers = 1,

    /// <summary>Sending invitations.</summary>
    Sending = 2,

    /// <summary>The import has ended.</summary>
    Finished = 3,
}
