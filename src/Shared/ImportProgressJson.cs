using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulkInvite;

/// <summary>
/// A queued import's last progress as a small JSON text in a durable store's work row: the stage, the entries read and to
/// send, and the count of each outcome in <see cref="InviteOutcome"/>'s order. Compiled into each store package, so every
/// store writes and reads it the same way.
/// </summary>
internal static class ImportProgressJson
{
    private static readonly InviteOutcome[] Outcomes = Enum.GetValues<InviteOutcome>();

    public static string? Write(BulkInviteProgress? progress)
    {
        if (progress is null)
        {
            return null;
        }

        var counts = progress.Counts ?? OutcomeCounts.Empty;
        var stored = new StoredImportProgress
        {
            Stage = (int)progress.Stage,
            EntriesRead = progress.EntriesRead,
            EntriesToSend = progress.EntriesToSend,
            Counts = Array.ConvertAll(Outcomes, o => counts[o]),
        };
        return JsonSerializer.Serialize(stored, ImportProgressJsonContext.Default.StoredImportProgress);
    }

    public static BulkInviteProgress? Read(Guid importId, string? json)
    {
        if (json is null)
        {
            return null;
        }

        var stored = JsonSerializer.Deserialize(json, ImportProgressJsonContext.Default.StoredImportProgress)
                     ?? throw new InvalidDataException($"The progress of import {importId} is not readable.");
        long Count(InviteOutcome outcome) => (int)outcome < stored.Counts.Length ? stored.Counts[(int)outcome] : 0;
        return new BulkInviteProgress
        {
            ImportId = importId,
            Stage = (ImportStage)stored.Stage,
            EntriesRead = stored.EntriesRead,
            EntriesToSend = stored.EntriesToSend,
            Counts = new OutcomeCounts
            {
                Pending = Count(InviteOutcome.Pending),
                Invited = Count(InviteOutcome.Invited),
                Invalid = Count(InviteOutcome.Invalid),
                Duplicate = Count(InviteOutcome.Duplicate),
                ExistingUser = Count(InviteOutcome.ExistingUser),
                AlreadyInvited = Count(InviteOutcome.AlreadyInvited),
                Failed = Count(InviteOutcome.Failed),
                Skipped = Count(InviteOutcome.Skipped),
                Sending = Count(InviteOutcome.Sending),
                Unknown = Count(InviteOutcome.Unknown),
            },
        };
    }
}

/// <summary>The stored form of <see cref="BulkInviteProgress"/>.</summary>
internal sealed class StoredImportProgress
{
    [JsonPropertyName("stage")]
    public int Stage { get; init; }

    [JsonPropertyName("read")]
    public long EntriesRead { get; init; }

    [JsonPropertyName("toSend")]
    public long EntriesToSend { get; init; }

    /// <summary>The count of each outcome, indexed by <see cref="InviteOutcome"/>'s value.</summary>
    [JsonPropertyName("counts")]
    public long[] Counts { get; init; } = [];
}

/// <summary>Source-generated JSON for <see cref="ImportProgressJson"/>.</summary>
[JsonSerializable(typeof(StoredImportProgress))]
internal sealed partial class ImportProgressJsonContext : JsonSerializerContext;
