using System.Text.Json;

namespace BulkInvite.Cli.Output;

/// <summary>
/// How the tool writes one invitation as JSON (<c>invitations list</c>, <c>accept</c>, <c>resend</c>): its ledger
/// record, never its token nor the token's hash.
/// </summary>
internal static class InvitationJson
{
    public static void Write(Utf8JsonWriter writer, InvitationRecord invitation)
    {
        writer.WriteStartObject();
        writer.WriteString("invitationId", invitation.InvitationId);
        writer.WriteString("tenant", invitation.TenantId);
        writer.WriteString("address", invitation.Address);
        if (invitation.DisplayName is { } name)
        {
            writer.WriteString("displayName", name);
        }
        else
        {
            writer.WriteNull("displayName");
        }

        writer.WriteStartObject("fields");
        foreach (var (key, value) in invitation.Fields ?? new Dictionary<string, string>())
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteString("state", invitation.State.ToString());
        writer.WriteString("importId", invitation.ImportId);
        writer.WriteNumber("line", invitation.Line);
        writer.WriteString("initiatedBy", invitation.InitiatedBy);
        writer.WriteString("createdAt", invitation.CreatedAt);
        writer.WriteString("expiresAt", invitation.ExpiresAt);
        WriteTime(writer, "acceptedAt", invitation.AcceptedAt);
        WriteTime(writer, "revokedAt", invitation.RevokedAt);
        writer.WriteNumber("sendCount", invitation.SendCount);
        writer.WriteString("lastSentAt", invitation.LastSentAt);
        writer.WriteEndObject();
    }

    /// <summary>An import's invitations counted by state: <c>"invitations": { "Pending": n, ... }</c>.</summary>
    public static void WriteCounts(Utf8JsonWriter writer, InvitationCounts counts)
    {
        writer.WriteStartObject("invitations");
        foreach (var state in Enum.GetValues<InvitationState>())
        {
            writer.WriteNumber(state.ToString(), counts[state]);
        }

        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteString(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
