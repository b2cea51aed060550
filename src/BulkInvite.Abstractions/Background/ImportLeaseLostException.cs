namespace BulkInvite;

/// <summary>
/// A write under an import's lease was refused: a later claim holds the import (this worker was paused or cut off past
/// its lease), or the import has ended. The worker must stop: the new owner continues from what is recorded.
/// </summary>
public sealed class ImportLeaseLostException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ImportLeaseLostException()
        : base("The import's lease was lost.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ImportLeaseLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ImportLeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one import and the fencing token that was refused.</summary>
    /// <param name="importId">The import.</param>
    /// <param name="fence">The fencing token of the lost lease.</param>
    public ImportLeaseLostException(Guid importId, long fence)
        : base($"The lease on import {importId} (fencing token {fence}) is lost: a later claim holds the import, or it has ended. Nothing more is recorded under it.")
    {
        ImportId = importId;
        Fence = fence;
    }

    /// <summary>The import, when known.</summary>
    public Guid ImportId { get; }

    /// <summary>The refused fencing token, when known.</summary>
    public long Fence { get; }
}
