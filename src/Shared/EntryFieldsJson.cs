using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulkInvite;

/// <summary>
/// Per-recipient fields as one JSON object of strings in a durable store's <c>fields</c> column. Compiled into each store
/// package (they reference only the contracts), so every store writes and reads fields the same way.
/// </summary>
internal static class EntryFieldsJson
{
    public static string? Write(IReadOnlyDictionary<string, string>? fields)
        => fields is null ? null : JsonSerializer.Serialize(fields, EntryFieldsJsonContext.Default.IReadOnlyDictionaryStringString);

    public static IReadOnlyDictionary<string, string>? Read(string? json)
        => json is null ? null : JsonSerializer.Deserialize(json, EntryFieldsJsonContext.Default.DictionaryStringString);
}

/// <summary>Source-generated JSON for <see cref="EntryFieldsJson"/>, and the arrays of address keys a store is asked about.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class EntryFieldsJsonContext : JsonSerializerContext;
