using System.Text.Json.Serialization;

namespace BulkInvite.PostgreSql;

/// <summary>Source-generated JSON for <see cref="EntryFieldsJson"/>.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class EntryFieldsJsonContext : JsonSerializerContext;
