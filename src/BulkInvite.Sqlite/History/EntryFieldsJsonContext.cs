using System.Text.Json.Serialization;

namespace BulkInvite.Sqlite;

/// <summary>Source-generated JSON for <see cref="EntryFieldsJson"/>, and the arrays of address keys the ledger is asked about.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class EntryFieldsJsonContext : JsonSerializerContext;
