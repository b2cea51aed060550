using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulkInvite.Web.Imports;

/// <summary>The JSON shape of the status endpoint: camelCase, enums as names.</summary>
internal static class ImportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
