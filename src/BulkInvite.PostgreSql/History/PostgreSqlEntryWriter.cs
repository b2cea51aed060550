using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace BulkInvite.PostgreSql;

/// <summary>
/// Stages entries by binary COPY on the store's connection, inside its transaction: one stream of rows per batch,
/// no statement per row and no text parsing on the server.
/// </summary>
/// <remarks>
/// The rows are written in PostgreSQL's binary COPY format into one buffer and handed to Npgsql's raw COPY stream 64 KiB
/// at a time. Through <see cref="NpgsqlBinaryImporter"/> each of the 14 columns of a row was a call that looks its
/// type up and returns a task: a second of the client's processor time for a million entries, as much as the server
/// took to store them without their indexes (docs/benchmarks.md, "Staging into PostgreSQL").
/// </remarks>
internal static class PostgreSqlEntryWriter
{
    private const int Columns = 14;
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Text as Npgsql writes it: UTF-8, and a string that is not valid UTF-16 refused.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The signature <c>PGCOPY\n\xFF\r\n\0</c>, no flags, no header extension.</summary>
    private static ReadOnlySpan<byte> Header => [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    public static async Task WriteAsync(NpgsqlConnection connection, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken)
    {
        var stream = await connection.BeginRawBinaryCopyAsync(PostgreSqlSql.CopyEntries, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            Header.CopyTo(buffer);
            var position = Header.Length;
            foreach (var entry in entries)
            {
                var fields = EntryFieldsJson.Write(entry.Fields);
                var most = MaxRowBytes(entry, fields);
                if (position + most > buffer.Length)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, position), cancellationToken).ConfigureAwait(false);
                    position = 0;
                    if (most > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(most);
                    }
                }

                position += WriteRow(buffer.AsSpan(position), importId, entry, fields);
            }

            // The trailer: a row of -1 columns.
            if (position + 2 > buffer.Length)
            {
                await stream.WriteAsync(buffer.AsMemory(0, position), cancellationToken).ConfigureAwait(false);
                position = 0;
            }

            BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(position), -1);
            position += 2;
            await stream.WriteAsync(buffer.AsMemory(0, position), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Nothing of a batch that was not written whole is stored (its transaction is rolled back too). The first
            // failure is the one the caller sees: a lost connection stays a transient error that is retried.
            await AbandonAsync(stream).ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Ends the COPY: the server's error (a sequence that exists already) is thrown here.
        await stream.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task AbandonAsync(NpgsqlRawCopyStream stream)
    {
        try
        {
            await stream.CancelAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception cleanup) when (cleanup is NpgsqlException or InvalidOperationException or ObjectDisposedException or IOException)
        {
            // The connection is broken or the COPY already ended; the caller gets the first failure.
        }
    }

    /// <summary>The most bytes a row can take: 2 for the column count, 4 for each column's length, and the values.</summary>
    private static int MaxRowBytes(InviteEntryResult entry, string? fields)
        => 2 + (Columns * 4) + 16 + 8 + 8 + 2 + 8 + 4 + 8 + 2
            + (2 * MaxBytes(entry.Address)) + MaxBytes(entry.Reason) + MaxBytes(entry.Detail) + MaxBytes(entry.DisplayName) + MaxBytes(fields);

    private static int MaxBytes(string? text) => text is null ? 0 : Utf8.GetMaxByteCount(text.Length);

    /// <summary>One row in the column order of <see cref="PostgreSqlSql.CopyEntries"/>.</summary>
    private static int WriteRow(Span<byte> row, Guid importId, InviteEntryResult entry, string? fields)
    {
        BinaryPrimitives.WriteInt16BigEndian(row, Columns);
        var at = 2;
        at += Length(row[at..], 16);
        importId.TryWriteBytes(row[at..], bigEndian: true, out _);
        at += 16;
        at += Int64(row[at..], entry.Sequence);
        at += Int64(row[at..], entry.Line);
        var address = Text(row[at..], entry.Address);
        var addressBytes = row.Slice(at + 4, address - 4);
        at += address;
        if (addressBytes.Length == entry.Address.Length)
        {
            // ASCII: the key (PostgreSqlRows.AddressKey, the invariant upper case) changes a–z only.
            at += Length(row[at..], addressBytes.Length);
            Ascii.ToUpper(addressBytes, row.Slice(at, addressBytes.Length), out _);
            at += addressBytes.Length;
        }
        else
        {
            at += Text(row[at..], PostgreSqlRows.AddressKey(entry.Address));
        }

        at += Int16(row[at..], (short)entry.Outcome);
        at += Text(row[at..], entry.Reason);
        at += Text(row[at..], entry.Detail);
        at += entry.DuplicateOfLine is { } duplicateOf ? Int64(row[at..], duplicateOf) : Length(row[at..], -1);
        if (entry.StatusCode is { } statusCode)
        {
            at += Length(row[at..], 4);
            BinaryPrimitives.WriteInt32BigEndian(row[at..], statusCode);
            at += 4;
        }
        else
        {
            at += Length(row[at..], -1);
        }

        at += Text(row[at..], entry.DisplayName);
        at += Text(row[at..], fields);
        at += Int64(row[at..], PostgreSqlRows.Ticks(entry.UpdatedAt));
        at += Int16(row[at..], PostgreSqlRows.OffsetMinutes(entry.UpdatedAt));
        return at;
    }

    private static int Length(Span<byte> target, int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(target, length);
        return 4;
    }

    private static int Int64(Span<byte> target, long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(target, 8);
        BinaryPrimitives.WriteInt64BigEndian(target[4..], value);
        return 12;
    }

    private static int Int16(Span<byte> target, short value)
    {
        BinaryPrimitives.WriteInt32BigEndian(target, 2);
        BinaryPrimitives.WriteInt16BigEndian(target[4..], value);
        return 6;
    }

    /// <summary>A text column as UTF-8 (as Npgsql writes it), or null.</summary>
    private static int Text(Span<byte> target, string? value)
    {
        if (value is null)
        {
            return Length(target, -1);
        }

        var written = Utf8.GetBytes(value, target[4..]);
        BinaryPrimitives.WriteInt32BigEndian(target, written);
        return 4 + written;
    }
}
