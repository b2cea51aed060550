namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>How a test server secures its connections.</summary>
public enum TestTls
{
    None,
    StartTls,
    Implicit,
}
