using System.CommandLine;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite accept TOKEN</c>: accepts the invitation of a link's token, once, and prints it as JSON (tenant,
/// address, display name, fields) for the script that creates the account; a refused token prints its reason and
/// exits 1. <c>--check</c> only looks the token up (the page that shows "Join Contoso, expires on …"): it prints the
/// invitation and consumes nothing. The token itself is never printed, and <c>-</c> reads it from standard input,
/// out of the process list.
/// </summary>
internal static class AcceptCommand
{
    public static Command Create(CliConsole console)
    {
        var token = new Argument<string>("TOKEN") { Description = "The token from the link (its 'token' parameter), or - to read it from standard input." };
        var store = new StoreOption(console);
        var check = new Option<bool>("--check")
        {
            Description = "Only look the token up, consuming nothing: print its invitation when it could be accepted (exit 0), else why not (exit 1).",
        };
        var command = new Command("accept", "Accept an invitation by its link's token (once) and print it as JSON; --check only looks it up.") { token, check };
        store.AddTo(command);
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
            return await CliHost.RunOnTokensAsync(console, store.Read(result), CliHost.TenantId, async services =>
            {
                if (result.GetValue(check))
                {
                    return await CheckAsync(console, services.GetRequiredService<IInvitationService>(), text, cancellationToken).ConfigureAwait(false);
                }

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

    /// <summary>
    /// Looks a token up without consuming it: <c>{"status": "Pending", "invitation": {...}}</c> and exit 0 when
    /// <c>accept</c> would accept it; else only the status <c>accept</c> would answer, as <c>accept</c> refuses (nothing
    /// about the invitation), the reason on stderr, and exit 1.
    /// </summary>
    private static async Task<int> CheckAsync(CliConsole console, IInvitationService invitations, string token, CancellationToken cancellationToken)
    {
        var invitation = await invitations.LookupAsync(token, cancellationToken).ConfigureAwait(false);
        var status = invitation?.State switch
        {
            InvitationState.Pending => (InvitationAcceptStatus?)null,
            InvitationState.Accepted => InvitationAcceptStatus.AlreadyUsed,
            InvitationState.Expired => InvitationAcceptStatus.Expired,
            InvitationState.Revoked => InvitationAcceptStatus.Revoked,
            _ => InvitationAcceptStatus.Unknown,
        };
        await InvitationOutput.WriteJsonAsync(
            console,
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("status", status?.ToString() ?? nameof(InvitationState.Pending));
                if (status is null && invitation is not null)
                {
                    writer.WritePropertyName("invitation");
                    InvitationJson.Write(writer, invitation);
                }

                writer.WriteEndObject();
            },
            cancellationToken).ConfigureAwait(false);
        if (status is not { } refused)
        {
            return CliApp.ExitOk;
        }

        await console.Error.WriteLineAsync($"bulkinvite: the invitation cannot be accepted: {Reason(refused)}.").ConfigureAwait(false);
        return CliApp.ExitError;
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
