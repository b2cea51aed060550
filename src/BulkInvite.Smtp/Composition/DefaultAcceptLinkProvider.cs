namespace BulkInvite.Smtp.Composition;

/// <summary>The documented default link: <c>{AcceptLinkBaseUrl}?email={address}&amp;invitation={import id:N}-{sequence}</c>.</summary>
internal sealed class DefaultAcceptLinkProvider(InvitationMessageOptions options) : IAcceptLinkProvider
{
    public ValueTask<string> GetAcceptLinkAsync(Invitation invitation, CancellationToken cancellationToken = default)
        => throw new NotImplementedException($"{options.AcceptLinkBaseUrl}");
}
