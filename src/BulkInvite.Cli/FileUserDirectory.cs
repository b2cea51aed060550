namespace BulkInvite.Cli;

/// <summary>
/// The tool's user directory: a file of existing users' addresses, read as an upload is read (plain text, or CSV with
/// an email column; a binary file refused), compared in normalized form. A line that starts with <c>#</c> and is not
/// an address is a comment. Until the file is loaded, the directory answers no question: it fails closed.
/// </summary>
internal sealed class FileUserDirectory(string path) : IUserExistenceCheck
{
    private HashSet<string>? _members;

    public string Path { get; } = path;

    /// <summary>Entries of the file that are not valid addresses (comments excepted).</summary>
    public int InvalidEntries { get; private set; }

    /// <summary>The line and reason of the first entry that is not a valid address.</summary>
    public (long Line, InvalidReason Reason)? FirstInvalid { get; private set; }

    /// <summary>The distinct addresses read.</summary>
    public int Count => _members?.Count ?? 0;

    /// <summary>Reads the file with the SDK's reader (parser choice, encodings, binary files) and validator.</summary>
    /// <exception cref="InviteFileFormatException">The file is binary, or no parser can read it.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task LoadAsync(IInviteFileReader reader, IEmailValidator validator, CancellationToken cancellationToken)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        var content = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (content.ConfigureAwait(false))
        {
            long line = 0;
            var comment = false;
            await foreach (var entry in reader.ReadAsync(content, System.IO.Path.GetFileName(Path), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var reason = entry.Problem != InvalidReason.None ? entry.Problem : validator.Validate(entry.Address);
                if (entry.Line != line)
                {
                    line = entry.Line;
                    comment = reason != InvalidReason.None && entry.Address.StartsWith('#');
                }

                if (comment)
                {
                    continue;
                }

                if (reason != InvalidReason.None)
                {
                    InvalidEntries++;
                    FirstInvalid ??= (entry.Line, reason);
                    continue;
                }

                members.Add(EmailAddressNormalizer.Normalize(entry.Address));
            }
        }

        _members = members;
    }

    public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var members = _members ?? throw new InvalidOperationException($"The existing-users file '{Path}' was not read.");
        var statuses = new UserStatus[query.Addresses.Count];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = members.Contains(query.Addresses[i]) ? UserStatus.Member : UserStatus.Unknown;
        }

        return Task.FromResult<IReadOnlyList<UserStatus>>(statuses);
    }
}
