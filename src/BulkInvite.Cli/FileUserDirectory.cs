namespace BulkInvite.Cli;

/// <summary>The tool's user directory: a file of existing users' addresses, one a line, compared in normalized form.</summary>
internal sealed class FileUserDirectory : IUserExistenceCheck
{
    private readonly HashSet<string> _members;

    private FileUserDirectory(HashSet<string> members, int ignoredLines)
    {
        _members = members;
        IgnoredLines = ignoredLines;
    }

    /// <summary>Lines of the file that were not valid addresses (blank lines and <c>#</c> comments excepted).</summary>
    public int IgnoredLines { get; }

    public int Count => _members.Count;

    public static async Task<FileUserDirectory> LoadAsync(string path, IEmailValidator validator, CancellationToken cancellationToken)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        var ignored = 0;
        await foreach (var raw in File.ReadLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (validator.Validate(line) != InvalidReason.None)
            {
                ignored++;
                continue;
            }

            members.Add(EmailAddressNormalizer.Normalize(line));
        }

        return new FileUserDirectory(members, ignored);
    }

    public Task<IReadOnlyList<UserStatus>> CheckAsync(UserExistenceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statuses = new UserStatus[query.Addresses.Count];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = _members.Contains(query.Addresses[i]) ? UserStatus.Member : UserStatus.Unknown;
        }

        return Task.FromResult<IReadOnlyList<UserStatus>>(statuses);
    }
}
