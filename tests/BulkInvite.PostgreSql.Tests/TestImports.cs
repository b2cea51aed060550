namespace BulkInvite.PostgreSql.Tests;

/// <summary>The import summaries the fixtures of this project store.</summary>
internal static class TestImports
{
    /// <summary>A new import of a tenant, created at the given time.</summary>
    public static BulkInviteReport New(string tenant, DateTimeOffset createdAt) => new()
    {
        ImportId = Guid.CreateVersion7(),
        TenantId = tenant,
        FileName = "invitees.txt",
        InitiatedBy = "admin",
        CreatedAt = createdAt,
    };
}
