using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulkInvite.Background;

/// <summary>The spool folder's JSON, generated at build time (no reflection, so it works trimmed and ahead of time), with the web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SpooledImport))]
internal sealed partial class SpoolJsonContext : JsonSerializerContext;
