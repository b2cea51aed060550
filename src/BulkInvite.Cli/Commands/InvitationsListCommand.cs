using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite invitations list [--state S] [--import ID] [--tenant T]</c>: a tenant's invitations, oldest first,
/// read page after page and written as each page arrives, so a list of any length streams in bounded memory.
/// </summary>
internal static class InvitationsListCommand
{
    /// <summary>How many invitations each read of the ledger returns.</summary>
    internal const int PageSize = 500;

    public static Command Create(CliConsole console)
    {
        var store = new StoreOption(console);
        var state = new Option<InvitationState?>("--state") { Description = "Only invitations in this state: Pending, Accepted, Expired or Revoked." };
        var import = new Option<Guid?>("--import") { Description = "Only the invitations of this import (see 'bulkinvite history')." };
        var command = new Command("list", "List invitations, oldest first, with their state, expiry and sends.") { state, import };
        store.AddTo(command);
        var tenant = InvitationTarget.AddTenantOption(command);
        var format = InvitationsCommand.CreateFormatOption(command);
        command.SetAction((result, cancellationToken) => CliHost.RunOnHistoryAsync(console, store.Read(result), async services =>
        {
            var invitations = services.GetRequiredService<IInvitationService>();
            var query = new InvitationQuery { State = result.GetValue(state), ImportId = result.GetValue(import), Limit = PageSize };
            var pages = Pages(invitations, result.GetValue(tenant)!, query, cancellationToken);
            if (InvitationsCommand.Chosen(result, format, console) == ReportFormat.Json)
            {
                await WriteJsonAsync(pages, console.Output, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteTableAsync(pages, console.Output, cancellationToken).ConfigureAwait(false);
            }

            return CliApp.ExitOk;
        }));
        return command;
    }

    /// <summary>Every page of the query, by keyset: each read starts after the last id of the one before.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<InvitationRecord>> Pages(
        IInvitationService invitations, string tenantId, InvitationQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await invitations.ListAsync(tenantId, query, cancellationToken).ConfigureAwait(false);
            if (page.Items.Count > 0)
            {
                yield return page.Items;
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                yield break;
            }

            query = query with { AfterInvitationId = page.Items[^1].InvitationId };
        }
    }

    private static async Task WriteJsonAsync(IAsyncEnumerable<IReadOnlyList<InvitationRecord>> pages, Stream output, CancellationToken cancellationToken)
    {
        var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await using (writer.ConfigureAwait(false))
        {
            var count = 0L;
            writer.WriteStartObject();
            writer.WriteStartArray("invitations");
            await foreach (var page in pages.ConfigureAwait(false))
            {
                foreach (var invitation in page)
                {
                    InvitationJson.Write(writer, invitation);
                }

                count += page.Count;
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            writer.WriteEndArray();
            writer.WriteNumber("count", count);
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await output.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteTableAsync(IAsyncEnumerable<IReadOnlyList<InvitationRecord>> pages, Stream output, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"Invitation",-36}  {"State",-8}  {"Expires (UTC)",-16}  {"Sends",5}  {"Line",6}  {"Import",-36}  Address");
        var count = 0L;
        await foreach (var page in pages.ConfigureAwait(false))
        {
            foreach (var i in page)
            {
                var name = i.DisplayName is { Length: > 0 } display ? $" ({TerminalText.Printable(display)})" : string.Empty;
                text.AppendLine(CultureInfo.InvariantCulture, $"{i.InvitationId,-36}  {i.State,-8}  {i.ExpiresAt.UtcDateTime,-16:yyyy-MM-dd HH:mm}  {i.SendCount,5}  {i.Line,6}  {i.ImportId,-36}  {TerminalText.Printable(i.Address)}{name}");
            }

            count += page.Count;
            await FlushAsync(text, output, cancellationToken).ConfigureAwait(false);
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{count} invitation(s).");
        await FlushAsync(text, output, cancellationToken).ConfigureAwait(false);
    }

    private static async Task FlushAsync(StringBuilder text, Stream output, CancellationToken cancellationToken)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        text.Clear();
    }
}
