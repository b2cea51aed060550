using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulkInvite.PostgreSql;

/// <summary>An import's last progress as JSON in the <c>progress</c> column of its work row.</summary>
internal static class PostgreSqlProgressJson
{
    public static string? Write(BulkInviteProgress? progress)
        => progress is null ? null : JsonSerializer.Serialize(progress, PostgreSqlProgressJsonContext.Default.BulkInviteProgress);

    /// <summary>Reads the progress recorded for an import; its <see cref="BulkInviteProgress.ImportId"/> is the import's, whatever was recorded.</summary>
    public static BulkInviteProgress? Read(string? json, Guid importId)
    {
        if (json is null)
        {
            return null;
        }

        var progress = JsonSerializer.Deserialize(json, PostgreSqlProgressJsonContext.Default.BulkInviteProgress)
            ?? throw new InviteHistoryCorruptException($"The progress recorded for import {importId} is not a JSON object.");
        return progress.ImportId == importId
            ? progress
            : new BulkInviteProgress
            {
                ImportId = importId,
                Stage = progress.Stage,
                EntriesRead = progress.EntriesRead,
                EntriesToSend = progress.EntriesToSend,
                Counts = progress.Counts,
            };
    }
}

/// <summary>Source-generated JSON for <see cref="PostgreSqlProgressJson"/>.</summary>
[JsonSerializable(typeof(BulkInviteProgress))]
internal sealed partial class PostgreSqlProgressJsonContext : JsonSerializerContext;
