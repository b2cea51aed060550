using System.Security.Cryptography;
using System.Text;

namespace BulkInvite;

/// <summary>One key that hashes accept-link tokens (<see cref="BulkInviteOptions.InvitationTokenKeys"/>).</summary>
public sealed class InvitationTokenKey
{
    /// <summary>The key's id, stored with each hash it made (never the key): short, unique, never reused for another key.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The key, in base64: at least 32 bytes. Keep it in the host's secret store, not beside the database.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>
    /// Reads the key kept in a file, or creates the file with a new random key of 32 bytes when there is none (on Unix
    /// readable and writable by its owner only, its folder created if needed): for a tool or a sample that has no secret store. Keep the file apart
    /// from the database and its backups: with it, a copy of the database can still not give a working link, but the
    /// two together can check a guessed token.
    /// </summary>
    /// <param name="path">The key file: one line, the key in base64.</param>
    /// <returns>The key, with an id made from its own hash (so the same file always gives the same id).</returns>
    /// <exception cref="FormatException">The file does not hold a key in base64.</exception>
    public static InvitationTokenKey FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var writer = new StreamWriter(path, Encoding.ASCII, options);
                writer.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: its key is the one.
            }
        }

        var text = File.ReadAllText(path).Trim();
        var bytes = Convert.FromBase64String(text);
        return new InvitationTokenKey { Id = "file-" + Convert.ToHexStringLower(SHA256.HashData(bytes), 0, 4), Key = text };
    }
}
