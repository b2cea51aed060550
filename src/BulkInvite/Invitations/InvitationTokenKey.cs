using System.Security.Cryptography;
using System.Text;

namespace BulkInvite;

/// <summary>One key that hashes accept-link tokens (<see cref="BulkInviteOptions.InvitationTokenKeys"/>).</summary>
public sealed class InvitationTokenKey
{
    private const int NewKeyBytes = 32;

    /// <summary>The key's id, stored with each hash it made (never the key): short, unique, never reused for another key.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The key, in base64: at least 32 bytes. Keep it in the host's secret store, not beside the database.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>
    /// Reads the keys kept in a file, or creates the file with a new random key of 32 bytes when there is none (on Unix
    /// readable and writable by its owner only, its folder created if needed): for a tool or a sample that has no secret
    /// store. Keep the file apart from the database and its backups: with it, a copy of the database can still not give
    /// a working link, but the two together can check a guessed token.
    /// </summary>
    /// <param name="path">
    /// The key file: one key in base64 a line (blank lines are skipped). The first hashes new tokens; the others, older
    /// keys kept by <see cref="RotateFile"/>, still verify the links they hashed.
    /// </param>
    /// <returns>
    /// The keys in the file's order (add them to <see cref="BulkInviteOptions.InvitationTokenKeys"/> in that order), each
    /// with an id made from its own hash, so the same key always gets the same id.
    /// </returns>
    /// <exception cref="FormatException">A line of the file is not a key in base64, or the file holds no key.</exception>
    public static IReadOnlyList<InvitationTokenKey> FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            try
            {
                // Created exclusively (O_EXCL): of processes that start at the same moment, exactly one creates the file,
                // and every other reads its key. (A move into place is not enough: where the system cannot rename
                // without replacing, .NET checks and renames, and two creators can both win.)
                Write(path, [NewKey()], FileMode.CreateNew);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: its key is the one.
            }
        }

        return Read(path, waitForWriter: true);
    }

    /// <summary>
    /// Rotates the keys of a key file: writes a new random key of 32 bytes first, so it hashes every new token, and keeps
    /// the file's keys after it, so the links they hashed keep working. Creates the file with the new key alone when
    /// there is none. The file is replaced in one rename (a reader sees the keys before or after, never part of them),
    /// readable and writable by its owner only on Unix. Rotate one process at a time. Remove an old key's line once
    /// the links it verifies have expired (<see cref="BulkInviteOptions.InvitationLifetime"/> after the rotation).
    /// </summary>
    /// <param name="path">The key file (see <see cref="FromFile"/>).</param>
    /// <returns>The keys now in the file, the new one first.</returns>
    /// <exception cref="FormatException">The existing file holds a line that is not a key in base64, or no key: it is left as it is.</exception>
    public static IReadOnlyList<InvitationTokenKey> RotateFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var keys = new List<string> { NewKey() };
        if (File.Exists(path))
        {
            keys.AddRange(Read(path).Select(k => k.Key));
            var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            try
            {
                Write(temporary, keys, FileMode.CreateNew);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        else
        {
            Write(path, keys, FileMode.CreateNew);
        }

        return Read(path);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(NewKeyBytes));

    /// <summary>Writes the keys one a line into a new file, owner-only on Unix, flushed to the disk before it is used.</summary>
    private static void Write(string path, IReadOnlyList<string> keys, FileMode mode)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(string.Concat(keys.Select(k => k + "\n"))));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Reads the keys of a file. With <paramref name="waitForWriter"/>, a file written in the last few seconds that does not
    /// end with a newline yet (the one write of its creator, which ends with one, is under way) is read again until it
    /// does, for up to 5 seconds.
    /// </summary>
    private static List<InvitationTokenKey> Read(string path, bool waitForWriter = false)
    {
        var content = File.ReadAllText(path);
        for (var waited = 0; waitForWriter && !content.EndsWith('\n') && waited < 5_000
             && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromSeconds(5); waited += 10)
        {
            Thread.Sleep(10);
            content = File.ReadAllText(path);
        }

        var keys = new List<InvitationTokenKey>();
        foreach (var line in content.Split('\n'))
        {
            var text = line.Trim();
            if (text.Length > 0)
            {
                var bytes = Convert.FromBase64String(text);
                keys.Add(new InvitationTokenKey { Id = "file-" + Convert.ToHexStringLower(SHA256.HashData(bytes), 0, 4), Key = text });
            }
        }

        return keys.Count > 0
            ? keys
            : throw new FormatException($"The key file '{path}' holds no key (a process that stopped while creating it leaves it empty: delete it, and the next start creates a new key).");
    }
}
