namespace BulkInvite.Tests.Support;

/// <summary>Fixed token keys for tests (never used outside them).</summary>
internal static class TestTokenKeys
{
    public static InvitationTokenKey Current => new() { Id = "k2", Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) };

    public static InvitationTokenKey Older => new() { Id = "k1", Key = Convert.ToBase64String(Enumerable.Range(101, 40).Select(i => (byte)i).ToArray()) };
}
