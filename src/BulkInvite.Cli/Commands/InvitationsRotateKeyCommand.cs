using System.CommandLine;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite invitations rotate-key</c>: writes a new token key at the head of the key file and keeps the old ones
/// after it, so that links sent before still work and new links are signed with the new key.
/// </summary>
internal static class InvitationsRotateKeyCommand
{
    public static Command Create(CliConsole console)
    {
        var store = new StoreOption(console);
        var command = new Command(
            "rotate-key",
            "Sign new links with a new key, written first in the token key file ($BULKINVITE_TOKEN_KEY_FILE, else the SQLite database's .token-key); the older keys after it still verify the links sent before.");
        store.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (console.GetEnvironmentVariable(CliHost.TokenKeyVariable) is { Length: > 0 })
            {
                await console.Error.WriteLineAsync(
                    $"bulkinvite: the token key is taken from ${CliHost.TokenKeyVariable}, which holds one key: rotate it where it is kept, or keep the keys in a file "
                    + $"(${CliHost.TokenKeyFileVariable}), which holds several.").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            if (CliHost.TokenKeyFile(console, store.Read(result)) is not { } path)
            {
                await console.Error.WriteLineAsync(
                    $"bulkinvite: the history is in PostgreSQL, where no token key file is kept beside the database: name the key file to rotate in ${CliHost.TokenKeyFileVariable}.").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            var existed = File.Exists(path);
            IReadOnlyList<InvitationTokenKey> keys;
            try
            {
                keys = InvitationTokenKey.RotateFile(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
            {
                await console.Error.WriteLineAsync($"bulkinvite: the token key file '{path}' cannot be rotated: {CliHost.OneLine(ex.Message)}").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            await CliHost.WriteLineAsync(
                console,
                existed
                    ? $"New links are signed with key {keys[0].Id}; the {keys.Count - 1} older key(s) after it in '{path}' still verify the links sent before."
                    : $"Created '{path}' with the key {keys[0].Id}: new links are signed with it (links sent with another key do not work: resend them).",
                cancellationToken).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }
}
