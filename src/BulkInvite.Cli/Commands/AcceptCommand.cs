using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite accept TOKEN</c>: accepts the invitation of a link's token, once, and prints it as JSON (tenant,
/// address, display name, fields) for the script that creates the account; a refused token prints its reason and
/// exits 1. The token itself is never printed, and <c>-</c> reads it from standard input, out of the process list.
/// </summary>
internal static class AcceptCommand
{
    public static Command Create(CliConsole console)
    {
        var token = new Argument<string>("TOKEN") { Description = "The token from the link (its 'token' parameter), or - to read it from standard input." };
        var database = DatabaseOption.Create(console);
        var command = new Command("accept", "Accept an invitation by its link's token (once) and print it as JSON.") { token, database };
        command.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValue(token)))
            {
                result.AddError("Give the token from the invitation's link, or - to read it from standard input.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var text = result.GetValue(token)!;
            if (text == "-")
            {
                using var reader = new StreamReader(console.Input, leaveOpen: true);
                text = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty;
            }

            text = text.Trim();
            return await CliHost.RunOnTokensAsync(console, result.GetValue(database)!, CliHost.TenantId, async services =>
            {
                var accepted = await services.GetRequiredService<IInvitationService>().AcceptAsync(text, cancellationToken).ConfigureAwait(false);
                await InvitationOutput.WriteJsonAsync(
                    console,
                    writer =>
                    {
                        writer.WriteStartObject();
                        writer.WriteString("status", accepted.Status.ToString());
                        if (accepted.Invitation is { } invitation)
                        {
                            writer.WritePropertyName("invitation");
                            InvitationJson.Write(writer, invitation);
                        }

                        writer.WriteEndObject();
                    },
                    cancellationToken).ConfigureAwait(false);
                if (accepted.Succeeded)
                {
                    return CliApp.ExitOk;
                }

                await console.Error.WriteLineAsync($"bulkinvite: the invitation was not accepted: {Reason(accepted.Status)}.").ConfigureAwait(false);
                return CliApp.ExitError;
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Why a token was refused, in words; nothing about the address or any other invitation.</summary>
    internal static string Reason(InvitationAcceptStatus status) => status switch
    {
        InvitationAcceptStatus.Expired => "expired (ask for it to be sent again)",
        InvitationAcceptStatus.Revoked => "revoked",
        InvitationAcceptStatus.AlreadyUsed => "already used (the link works once)",
        _ => "unknown token (mistyped, or replaced by a later link)",
    };
}
