namespace BulkInvite.Tests.Support;

/// <summary>A request like another but for what is named: <see cref="BulkInviteRequest"/> is a class, so tests copy it by hand.</summary>
internal static class RequestCopies
{
    public static BulkInviteRequest With(
        this BulkInviteRequest request,
        Stream? content = null,
        string? tenantId = null,
        string? initiatedBy = null,
        ImportMode? mode = null,
        Guid? importId = null,
        string? senderName = null,
        bool? allowRepeatUpload = null) => new()
    {
        Content = content ?? request.Content,
        FileName = request.FileName,
        TenantId = tenantId ?? request.TenantId,
        InitiatedBy = initiatedBy ?? request.InitiatedBy,
        Mode = mode ?? request.Mode,
        ImportId = importId ?? request.ImportId,
        ParserName = request.ParserName,
        SenderName = senderName ?? request.SenderName,
        AllowRepeatUpload = allowRepeatUpload ?? request.AllowRepeatUpload,
        ResendPendingInvitations = request.ResendPendingInvitations,
    };

    /// <summary>The request as a preview.</summary>
    public static BulkInviteRequest AsPreview(this BulkInviteRequest request) => request.With(mode: ImportMode.Preview);

    /// <summary>The request as a count-only run.</summary>
    public static BulkInviteRequest AsCountOnly(this BulkInviteRequest request) => request.With(mode: ImportMode.CountOnly);
}
