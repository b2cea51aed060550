namespace BulkInvite;

/// <summary>Progress of a running import.</summary>
/// <param name="ImportId">The import.</param>
/// <param name="Stage">The stage it is in.</param>
/// <param name="EntriesRead">Entries read from the file so far.</param>
/// <param name="EntriesToSend">Entries staged for sending (known once staging ends), else 0.</param>
/// <param name="Counts">The count of each outcome so far.</param>
public sealed record BulkInviteProgress(
    Guid ImportId,
    ImportStage Stage,
    long EntriesRead,
    long EntriesToSend,
    OutcomeCounts Counts);
