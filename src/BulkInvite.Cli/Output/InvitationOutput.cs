using System.Text.Encodings.Web;
using System.Text.Json;
using BulkInvite.Cli.Commands;

namespace BulkInvite.Cli.Output;

/// <summary>The one-result output of <c>accept</c>, <c>invitations resend</c> and <c>revoke</c>: a line of text, or a JSON object.</summary>
internal static class InvitationOutput
{
    /// <summary>Writes one JSON document (indented, ended by a line feed) to standard output.</summary>
    public static async Task WriteJsonAsync(CliConsole console, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        buffer.WriteByte((byte)'\n');
        await console.Output.WriteAsync(buffer.ToArray(), cancellationToken).ConfigureAwait(false);
        await console.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <c>{"idName": id, "countName": count}</c> as JSON, or <paramref name="line"/> as text.</summary>
    public static Task WriteCountAsync(
        CliConsole console, bool json, string idName, Guid id, string countName, int count, string line, CancellationToken cancellationToken)
        => json
            ? WriteJsonAsync(
                console,
                writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString(idName, id);
                    writer.WriteNumber(countName, count);
                    writer.WriteEndObject();
                },
                cancellationToken)
            : CliHost.WriteLineAsync(console, line, cancellationToken);
}
