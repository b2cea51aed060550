using Npgsql;
using NpgsqlTypes;

namespace BulkInvite.PostgreSql;

/// <summary>
/// Stages entries by binary COPY on the store's connection, inside its transaction: one stream of rows per batch,
/// no statement per row and no text parsing on the server.
/// </summary>
internal static class PostgreSqlEntryWriter
{
    public static async Task WriteAsync(NpgsqlConnection connection, Guid importId, IReadOnlyList<InviteEntryResult> entries, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(PostgreSqlSql.CopyEntries, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(importId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Sequence, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Line, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Address, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgreSqlRows.AddressKey(entry.Address), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync((short)entry.Outcome, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, entry.Reason, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, entry.Detail, cancellationToken).ConfigureAwait(false);
                if (entry.DuplicateOfLine is { } duplicateOf)
                {
                    await importer.WriteAsync(duplicateOf, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                if (entry.StatusCode is { } statusCode)
                {
                    await importer.WriteAsync(statusCode, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await WriteTextAsync(importer, entry.DisplayName, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, EntryFieldsJson.Write(entry.Fields), cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgreSqlRows.Ticks(entry.UpdatedAt), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgreSqlRows.OffsetMinutes(entry.UpdatedAt), NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken)
        => value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
