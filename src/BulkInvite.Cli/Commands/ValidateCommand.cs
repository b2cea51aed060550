using System.CommandLine;
using System.Text;
using BulkInvite.Cli.Output;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite validate</c>: every input line is one candidate, taken exactly as it is (no splitting, no trimming;
/// a byte-order mark is not part of the first line, and a list in UTF-16 with one is read as its text);
/// prints one line per input line, in order: <c>valid</c> or <c>invalid</c>, a tab, the reason code (empty when
/// valid), a tab, the input line, its control characters escaped as the table's are (<see cref="TerminalText"/>).
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
        var carry = new byte[4]; // the start of a character split between two reads of a line too long to hold
        var carryLength = 0;

        // A streamed line's bytes, escaped as the held ones are; a character split between two segments is carried.
        void WriteStreamed(ReadOnlySpan<byte> bytes, bool isFinalBlock)
        {
            while (carryLength > 0 && !bytes.IsEmpty)
            {
                carry[carryLength++] = bytes[0];
                bytes = bytes[1..];
                var written = TerminalText.WritePrintable(carry.AsSpan(0, carryLength), buffered, isFinalBlock: false);
                carry.AsSpan(written, carryLength - written).CopyTo(carry);
                carryLength -= written;
            }

            if (carryLength == 0)
            {
                var written = TerminalText.WritePrintable(bytes, buffered, isFinalBlock);
                bytes[written..].CopyTo(carry);
                carryLength = bytes.Length - written;
            }

            if (isFinalBlock && carryLength > 0)
            {
                TerminalText.WritePrintable(carry.AsSpan(0, carryLength), buffered);
                carryLength = 0;
            }
        }

        void EndLine()
        {
            if (streaming)
            {
                WriteStreamed(default, isFinalBlock: true);
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

                TerminalText.WritePrintable(text, buffered);
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
                WriteStreamed(line.AsSpan(0, lineLength), isFinalBlock: false);
            }

            if (heldCarriageReturn)
            {
                WriteStreamed("\r"u8, isFinalBlock: false);
                heldCarriageReturn = false;
            }

            if (segment[^1] == (byte)'\r')
            {
                heldCarriageReturn = true;
                segment = segment[..^1];
            }

            WriteStreamed(segment, isFinalBlock: false);
        }

        void Lines(ReadOnlySpan<byte> span)
        {
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
        }

        // A byte-order mark says how the list is encoded, as the parsers read it: UTF-8's is left out, and a list in
        // UTF-16 (Excel's "Unicode text") is read as UTF-8, a character split between two reads carried by the decoder.
        var filled = 0;
        int count;
        while (filled < 3 && (count = await input.ReadAsync(read.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += count;
        }

        var start = read.AsSpan(0, filled).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        Decoder? decoder = read.AsSpan(0, filled) switch
        {
            [0xFF, 0xFE, ..] => Encoding.Unicode.GetDecoder(),
            [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode.GetDecoder(),
            _ => null,
        };
        if (decoder is not null)
        {
            start = 2;
        }

        var chars = decoder is null ? [] : new char[(read.Length / 2) + 2];
        var utf8 = decoder is null ? [] : new byte[chars.Length * 3];
        void Take(ReadOnlySpan<byte> bytes, bool flush)
        {
            if (decoder is null)
            {
                Lines(bytes);
                return;
            }

            var decoded = decoder.GetChars(bytes, chars, flush);
            Lines(utf8.AsSpan(0, Encoding.UTF8.GetBytes(chars.AsSpan(0, decoded), utf8)));
        }

        Take(read.AsSpan(start, filled - start), flush: false);
        await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
        while ((count = await input.ReadAsync(read, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Take(read.AsSpan(0, count), flush: false);
            await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        Take([], flush: true);
        if (any)
        {
            EndLine();
        }

        await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
