using System.CommandLine;
using System.Text;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite validate</c>: every input line is one candidate, taken exactly as it is (no splitting, no trimming);
/// prints one line per input line, in order: <c>valid</c> or <c>invalid</c>, a tab, the reason code (empty when
/// valid), a tab, the input line.
/// </summary>
internal static class ValidateCommand
{
    /// <summary>Lines longer than this are not held in memory: they are reported as <see cref="InvalidReason.AddressTooLong"/> and echoed as they stream.</summary>
    internal const int MaxHeldLine = 1 << 20;

    private static readonly byte[] ValidPrefix = "valid\t\t"u8.ToArray();
    private static readonly byte[] InvalidPrefix = "invalid\t"u8.ToArray();

    public static Command Create(CliConsole console)
    {
        var switches = new ValidationSwitches();
        var file = new Argument<string?>("FILE")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "The list to check, one candidate a line; '-' or nothing reads standard input.",
        };
        var command = new Command("validate", "Check every line of a list as one address and print valid/invalid with the reason code.");
        switches.AddTo(command);
        command.Arguments.Add(file);
        command.SetAction(async (result, cancellationToken) =>
        {
            var validator = new EmailValidator(switches.Read(result));
            var path = result.GetValue(file);
            Stream input;
            try
            {
                input = path is null or "-" ? console.Input : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await console.Error.WriteLineAsync($"bulkinvite: cannot read '{path}': {ex.Message}").ConfigureAwait(false);
                return CliApp.ExitError;
            }

            try
            {
                await RunAsync(input, console.Output, validator, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await console.Error.WriteLineAsync($"bulkinvite: error while reading '{path ?? "-"}': {ex.Message}").ConfigureAwait(false);
                return CliApp.ExitError;
            }
            finally
            {
                if (!ReferenceEquals(input, console.Input))
                {
                    await input.DisposeAsync().ConfigureAwait(false);
                }
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    internal static async Task RunAsync(Stream input, Stream output, EmailValidator validator, CancellationToken cancellationToken)
    {
        var reasonBytes = Enum.GetValues<InvalidReason>().ToDictionary(r => r, r => Encoding.ASCII.GetBytes(r + "\t"));
        // Flushed, never disposed: disposing a BufferedStream closes the stream under it, and standard output belongs
        // to the caller, which flushes it once more at the end (on a closed console stream, a crash after the output).
        var buffered = new BufferedStream(output, 1 << 16);
        var read = new byte[1 << 16];
        var line = new byte[MaxHeldLine];
        var lineLength = 0;
        var streaming = false; // the line is too long to hold: its verdict is written, its bytes go straight out
        var heldCarriageReturn = false;
        var any = false;

        void EndLine()
        {
            if (streaming)
            {
                buffered.WriteByte((byte)'\n');
            }
            else
            {
                var text = line.AsSpan(0, lineLength);
                if (text.Length > 0 && text[^1] == (byte)'\r')
                {
                    text = text[..^1];
                }

                var reason = validator.Validate(text);
                if (reason == InvalidReason.None)
                {
                    buffered.Write(ValidPrefix);
                }
                else
                {
                    buffered.Write(InvalidPrefix);
                    buffered.Write(reasonBytes[reason]);
                }

                buffered.Write(text);
                buffered.WriteByte((byte)'\n');
            }

            lineLength = 0;
            streaming = false;
            heldCarriageReturn = false;
            any = false;
        }

        void Append(ReadOnlySpan<byte> segment)
        {
            if (segment.IsEmpty)
            {
                return;
            }

            any = true;
            if (!streaming && lineLength + segment.Length <= line.Length)
            {
                segment.CopyTo(line.AsSpan(lineLength));
                lineLength += segment.Length;
                return;
            }

            if (!streaming)
            {
                streaming = true;
                buffered.Write(InvalidPrefix);
                buffered.Write(reasonBytes[InvalidReason.AddressTooLong]);
                buffered.Write(line.AsSpan(0, lineLength));
            }

            if (heldCarriageReturn)
            {
                buffered.WriteByte((byte)'\r');
                heldCarriageReturn = false;
            }

            if (segment[^1] == (byte)'\r')
            {
                heldCarriageReturn = true;
                segment = segment[..^1];
            }

            buffered.Write(segment);
        }

        int count;
        while ((count = await input.ReadAsync(read, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var span = read.AsSpan(0, count);
            while (true)
            {
                var newline = span.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    Append(span);
                    break;
                }

                Append(span[..newline]);
                EndLine();
                span = span[(newline + 1)..];
            }

            await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (any)
        {
            EndLine();
        }

        await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
