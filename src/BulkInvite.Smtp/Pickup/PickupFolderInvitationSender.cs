using BulkInvite.Smtp.Composition;
using MimeKit;

namespace BulkInvite.Smtp.Pickup;

/// <summary>Writes each invitation as an <c>.eml</c> file (names safe for any address, never overwriting).</summary>
/// <remarks>
/// <para>
/// Each message is written to a <c>.tmp</c> file first and then moved to its <c>.eml</c> name without overwriting,
/// so a program watching the folder for <c>*.eml</c> never sees a partly written file. When the name is taken
/// (the same invitation sent twice in one second), <c>-1</c>, <c>-2</c>, ... is added before the extension.
/// </para>
/// <para>
/// Files use CRLF line endings, as messages on the wire do. Messages to recipients whose local part is not ASCII
/// are written with UTF-8 headers (as for SMTPUTF8); all others are pure 7-bit ASCII.
/// </para>
/// <para>
/// An address that cannot be written in a message header is a failed result for that recipient, not an exception.
/// A folder that cannot be created or written (missing permission, disk full) throws
/// <see cref="InvitationTransportException"/> with <see cref="InvitationTransportException.IsTransient"/> set, so the
/// import stops with the unsent entries pending and can be resumed once the folder is fixed.
/// </para>
/// </remarks>
internal sealed class PickupFolderInvitationSender : IInvitationSender
{
    private const string Extension = ".eml";
    private const string TemporaryExtension = ".tmp";
    private const int MaxNameAttempts = 1000;

    // File.Move without overwrite checks for the destination before renaming on some platforms, so two writers in
    // this process could both take the same name: choosing the name and moving happen under one lock.
    private static readonly Lock MoveLock = new();
    private const int BufferSize = 16 * 1024;

    private static readonly FormatOptions AsciiFormat = CreateFormat(international: false);
    private static readonly FormatOptions InternationalFormat = CreateFormat(international: true);

    private readonly string _directory;
    private readonly IInvitationComposer _composer;
    private volatile bool _directoryExists;

    public PickupFolderInvitationSender(PickupFolderSenderOptions options, IInvitationComposer composer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(composer);
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            throw new ArgumentException("Directory is required: the folder the invitation files are written to.", nameof(options));
        }

        _directory = Path.GetFullPath(options.Directory);
        _composer = composer;
    }

    public async Task<InvitationSendResult> SendAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ComposedInvitation composed;
        try
        {
            composed = await _composer.ComposeAsync(invitation, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException && e.ParamName == nameof(invitation))
        {
            return InvitationSendResult.Failure(null, e.Message);
        }

        var baseName = PickupFileName.Create(composed.Message.Date, invitation);
        var temporaryPath = Path.Combine(_directory, $"{baseName}.{Guid.NewGuid():N}{TemporaryExtension}");
        try
        {
            EnsureDirectory();
            await WriteAsync(temporaryPath, composed, cancellationToken).ConfigureAwait(false);
            var fileName = MoveToFreeName(temporaryPath, baseName);
            return InvitationSendResult.Success(fileName);
        }
        catch (OperationCanceledException)
        {
            TryDelete(temporaryPath);
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporaryPath);
            throw new InvitationTransportException(
                $"The invitation could not be written to the pickup folder '{_directory}': {e.Message}",
                statusCode: null,
                isTransient: true,
                e);
        }
        finally
        {
            composed.Release();
        }
    }

    private static FormatOptions CreateFormat(bool international)
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = international;
        return format;
    }

    private static async Task WriteAsync(string path, ComposedInvitation composed, CancellationToken cancellationToken)
    {
        var format = composed.RequiresSmtpUtf8 ? InternationalFormat : AsciiFormat;
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = BufferSize,
            Options = FileOptions.Asynchronous,
        });
        await using (stream.ConfigureAwait(false))
        {
            await composed.Message.WriteToAsync(format, stream, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temporary file is left behind; it does not end in .eml, so no pickup consumer reads it.
        }
    }

    private void EnsureDirectory()
    {
        if (!_directoryExists)
        {
            Directory.CreateDirectory(_directory);
            _directoryExists = true;
        }
    }

    private string MoveToFreeName(string temporaryPath, string baseName)
    {
        lock (MoveLock)
        {
            return MoveToFreeNameLocked(temporaryPath, baseName);
        }
    }

    private string MoveToFreeNameLocked(string temporaryPath, string baseName)
    {
        for (var attempt = 0; ; attempt++)
        {
            var fileName = attempt == 0 ? baseName + Extension : $"{baseName}-{attempt}{Extension}";
            var path = Path.Combine(_directory, fileName);
            try
            {
                File.Move(temporaryPath, path, overwrite: false);
                return fileName;
            }
            catch (IOException) when (attempt < MaxNameAttempts && File.Exists(path))
            {
                // Taken (the same invitation written again within the same second): try the next suffix.
            }
        }
    }
}
