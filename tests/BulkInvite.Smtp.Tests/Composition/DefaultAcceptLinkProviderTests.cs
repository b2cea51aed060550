using BulkInvite.Smtp.Composition;

namespace BulkInvite.Smtp.Tests.Composition;

[TestFixture]
public sealed class DefaultAcceptLinkProviderTests
{
    [Test]
    public async Task The_link_carries_the_escaped_address_and_the_invitation_id()
    {
        var provider = new DefaultAcceptLinkProvider(new InvitationMessageOptions { AcceptLinkBaseUrl = "https://app.example.org/accept" });

        var link = await provider.GetAcceptLinkAsync(TestInvitations.Create("jane+x&y=z@bücher.example", sequence: 12));

        Assert.That(link, Is.EqualTo(
            "https://app.example.org/accept?email=jane%2Bx%26y%3Dz%40b%C3%BCcher.example&invitation=" + TestInvitations.ImportId.ToString("N") + "-12"));
    }

    [TestCase("https://app.example.org/accept?tenant=7", "https://app.example.org/accept?tenant=7&email=")]
    [TestCase("https://app.example.org/accept?", "https://app.example.org/accept?email=")]
    [TestCase("https://app.example.org/accept?tenant=7&", "https://app.example.org/accept?tenant=7&email=")]
    public async Task A_base_with_a_query_is_joined_with_an_ampersand(string baseUrl, string expectedStart)
    {
        var provider = new DefaultAcceptLinkProvider(new InvitationMessageOptions { AcceptLinkBaseUrl = baseUrl });

        var link = await provider.GetAcceptLinkAsync(TestInvitations.Create("a@example.com"));

        Assert.That(link, Does.StartWith(expectedStart + "a%40example.com&invitation="));
    }

    [TestCase("")]
    [TestCase("/relative/accept")]
    [TestCase("ftp://example.org/accept")]
    [TestCase("javascript:alert(1)")]
    public void A_base_that_is_not_an_absolute_http_url_fails_naming_the_setting(string baseUrl)
    {
        var exception = Assert.Throws<ArgumentException>(() => _ = new DefaultAcceptLinkProvider(new InvitationMessageOptions { AcceptLinkBaseUrl = baseUrl }));

        Assert.That(exception.Message, Does.Contain("Message:AcceptLinkBaseUrl"));
    }

    [Test]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => _ = new DefaultAcceptLinkProvider(null!));
        var provider = new DefaultAcceptLinkProvider(new InvitationMessageOptions());
        Assert.ThrowsAsync<ArgumentNullException>(async () => await provider.GetAcceptLinkAsync(null!));
    }
}
