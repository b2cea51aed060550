namespace BulkInvite;

/// <summary>The stage an import is in, as reported through progress.</summary>
public enum ImportStage
{
    /// <summary>Reading, validating and de-duplicating the file; nothing is sent yet.</summary>
    Staging = 0,

    /// <summary>A preview asking the host's user directory about the staged addresses (an import asks it page by page as it sends).</summary>
    CheckingUsers = 1,

    /// <summary>Asking the host's user directory about each page of pending entries, and sending invitations to the addresses it does not know.</summary>
    Sending = 2,

    /// <summary>The import has ended.</summary>
    Finished = 3,
}
