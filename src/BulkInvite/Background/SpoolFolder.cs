using System.Text.Json;

namespace BulkInvite.Background;

/// <summary>
/// The spool folder: <c>{id}.upload</c> holds the uploaded bytes, <c>{id}.json</c> the request. The JSON is written
/// last (to a temporary name, then moved), so a job is complete on disk exactly when its JSON exists.
/// </summary>
internal sealed class SpoolFolder
{
    private const string UploadExtension = ".upload";
    private const string JobExtension = ".json";
    private const int CopyBufferSize = 81_920;

    public SpoolFolder(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }

    public string UploadPath(Guid importId) => Path.Combine(Directory, importId.ToString("N") + UploadExtension);

    private string JobPath(Guid importId) => Path.Combine(Directory, importId.ToString("N") + JobExtension);

    /// <summary>Copies the upload, at most <paramref name="maxBytes"/> of it, then records the job.</summary>
    public async Task WriteAsync(SpooledImport job, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var uploadPath = UploadPath(job.ImportId);
        try
        {
            var file = new FileStream(uploadPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[CopyBufferSize];
                long total = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        throw new InviteLimitExceededException(
                            nameof(BulkInviteOptions.MaxFileBytes),
                            maxBytes,
                            $"The file is larger than the limit of {maxBytes:N0} bytes (BulkInvite:MaxFileBytes).");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var temporary = JobPath(job.ImportId) + ".tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(job, SpoolJsonContext.Default.SpooledImport), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, JobPath(job.ImportId));
        }
        catch
        {
            Delete(job.ImportId);
            throw;
        }
    }

    /// <summary>
    /// The complete jobs left by an earlier process, oldest first. Uploads whose job was never recorded (the copy
    /// did not finish, so <see cref="WriteAsync"/> never returned to the caller) are removed; a job file that cannot
    /// be read is left in place and counted.
    /// </summary>
    public (IReadOnlyList<SpooledImport> Jobs, int Unreadable) Recover()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return ([], 0);
        }

        var jobs = new List<SpooledImport>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        var unreadable = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + JobExtension))
        {
            known.Add(Path.GetFileNameWithoutExtension(path));
            SpooledImport? job;
            try
            {
                job = JsonSerializer.Deserialize(File.ReadAllBytes(path), SpoolJsonContext.Default.SpooledImport);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                job = null;
            }

            if (job is null || !File.Exists(UploadPath(job.ImportId)))
            {
                unreadable++;
                continue;
            }

            jobs.Add(job with { Recovered = true });
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(path);
            if ((name.EndsWith(UploadExtension, StringComparison.Ordinal) && !known.Contains(Path.GetFileNameWithoutExtension(name)))
                || name.EndsWith(JobExtension + ".tmp", StringComparison.Ordinal))
            {
                TryDelete(path);
            }
        }

        jobs.Sort((a, b) => a.QueuedAt.CompareTo(b.QueuedAt));
        return (jobs, unreadable);
    }

    public void Delete(Guid importId)
    {
        TryDelete(UploadPath(importId));
        TryDelete(JobPath(importId));
        TryDelete(JobPath(importId) + ".tmp");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start, which finds no job for it and ignores it.
        }
    }
}
