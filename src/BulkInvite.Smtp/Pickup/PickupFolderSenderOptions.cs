namespace BulkInvite.Smtp;

/// <summary>Settings of the pickup-folder sender, which writes each invitation as an <c>.eml</c> file.</summary>
public sealed class PickupFolderSenderOptions
{
    /// <summary>The folder the files are written to (created if missing).</summary>
    /// <value>Default: <c>pickup</c> under the current directory.</value>
    public string Directory { get; set; } = "pickup";

    /// <summary>What every invitation carries: sender, template, accept link.</summary>
    public InvitationMessageOptions Message { get; set; } = new();
}
