using System.Text.Json;

namespace BulkInvite.PostgreSql;

/// <summary>Per-recipient fields as one JSON object of strings in the <c>fields</c> column.</summary>
internal static class EntryFieldsJson
{
    public static string? Write(IReadOnlyDictionary<string, string>? fields)
        => fields is null ? null : JsonSerializer.Serialize(fields, EntryFieldsJsonContext.Default.IReadOnlyDictionaryStringString);

    public static IReadOnlyDictionary<string, string>? Read(string? json)
        => json is null ? null : JsonSerializer.Deserialize(json, EntryFieldsJsonContext.Default.DictionaryStringString);
}
