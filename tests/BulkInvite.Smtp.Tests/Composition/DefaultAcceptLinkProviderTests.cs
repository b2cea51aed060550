using BulkInvite.Smtp.Composition;

namespace BulkInvite.Smtp.Tests.Composition;

[TestFixture]
public sealed class DefaultAcceptLinkProviderTests
{
    [Test]
    public async Task The_link_carries_only_the_token_and_neither_the_address_nor_an_id()
    {
        var provider = new DefaultAcceptLinkProvider(new InvitationMessageOptions { AcceptLinkBaseUrl = "https://app.example.org/accept" });

        var link = await provider.GetAcceptLinkAsync(TestInvitations.Create("jane+x&y=z@bücher.example", sequence: 12));

        Assert.That(link, Is.EqualTo("https://app.example.org/accept?token=" + TestInvitations.AcceptToken));
        Assert.That(link, Does.Not.Contain("jane").And.Not.Contain(TestInvitations.ImportId.ToString("N")).And.Not.Contain("12"));
    }

    [TestCase("https://app.example.org/accept?tenant=7", "https://app.example.org/accept?tenant=7&token=")]
    [TestCase("https://app.example.org/accept?", "https://app.example.org/accept?token=")]
    [TestCase("https://app.example.org/accept?tenant=7&", "https://app.example.org/accept?tenant=7&token=")]
    public async Task A_base_with_a_query_is_joined_with_an_ampersand(string baseUrl, string expected)
    {
        var provider = new DefaultAcceptLinkProvider(new InvitationMessageOptions { AcceptLinkBaseUrl = baseUrl });

        var link = await provider.GetAcceptLinkAsync(TestInvitations.Create("a@example.com"));

        Assert.That(link, Is.EqualTo(expected + TestInvitations.AcceptToken));
    }

    [Test]
    public void An_invitation_without_a_token_gets_no_link()
    {
        var provider = new DefaultAcceptLinkProvider(new InvitationMessageOptions { AcceptLinkBaseUrl = "https://app.example.org/accept" });

        var exception = Assert.ThrowsAsync<ArgumentException>(async () => await provider.GetAcceptLinkAsync(TestInvitations.Create(acceptToken: null)));

        Assert.That(exception!.Message, Does.Contain("AcceptToken"));
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
