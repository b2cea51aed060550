using System.Text;
using System.Text.RegularExpressions;
using BulkInvite.Smtp.Composition;
using BulkInvite.Smtp.Pickup;
using BulkInvite.Smtp.Tests.Composition;
using MimeKit;

namespace BulkInvite.Smtp.Tests.Pickup;

[TestFixture]
public sealed partial class PickupFolderInvitationSenderTests
{
    private string _root = string.Empty;

    [SetUp]
    public void CreateRoot()
    {
        _root = Path.Combine(Path.GetTempPath(), "bulkinvite-pickup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Each_invitation_is_written_as_one_parseable_eml_file()
    {
        var directory = Path.Combine(_root, "pickup");
        var sender = CreateSender(directory);
        var addresses = new[] { "ann@example.com", "bob@example.com", "cy@bücher.example" };

        var results = new List<InvitationSendResult>();
        for (var i = 0; i < addresses.Length; i++)
        {
            results.Add(await sender.SendAsync(TestInvitations.Create(addresses[i], sequence: i + 1)));
        }

        Assert.That(results.Select(r => r.Succeeded), Is.All.True);
        var files = Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.That(files, Is.EqualTo(results.Select(r => r.Detail).Order(StringComparer.Ordinal).ToArray()));
        Assert.That(files, Has.Length.EqualTo(3));
        Assert.That(files, Is.All.EndsWith(".eml"));
        var recipients = new List<string>();
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, file!));
            Assert.That(bytes.All(b => b < 0x80), Is.True, $"{file} is 7-bit");
            var message = TestInvitations.Load(bytes);
            Assert.That(message.Subject, Is.EqualTo("You're invited to join Contoso"));
            Assert.That(message.TextBody, Does.Contain("has invited you"));
            recipients.Add(message.To.Mailboxes.Single().GetAddress(idnEncode: true));
        }

        Assert.That(recipients, Is.EquivalentTo(new[] { "ann@example.com", "bob@example.com", "cy@xn--bcher-kva.example" }));
    }

    [Test]
    public async Task The_file_name_holds_the_time_the_import_the_sequence_and_the_address()
    {
        var sender = CreateSender(_root);

        var result = await sender.SendAsync(TestInvitations.Create("jane.doe+tag@example.com", sequence: 7));

        var expected = $"20260301-090000-{TestInvitations.ImportId.ToString("N")[..8]}-00000007-jane.doe+tag@example.com.eml";
        Assert.That(result.Detail, Is.EqualTo(expected));
        Assert.That(File.Exists(Path.Combine(_root, expected)), Is.True);
    }

    [Test]
    public async Task Files_use_crlf_line_endings()
    {
        var sender = CreateSender(_root);

        var result = await sender.SendAsync(TestInvitations.Create());

        var text = Encoding.ASCII.GetString(await File.ReadAllBytesAsync(Path.Combine(_root, result.Detail!)));
        Assert.That(text.Replace("\r\n", string.Empty, StringComparison.Ordinal), Does.Not.Contain('\n'));
        Assert.That(text, Does.Contain("\r\n\r\n"));
    }

    [Test]
    public async Task A_file_value_with_bare_line_breaks_or_an_encoded_word_is_written_as_plain_text()
    {
        var encoded = "=?utf-8?b?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("x\r\nBcc: victim@example.net")) + "?=";
        var name = "Eve\r.\r\nMAIL FROM:<mallory@example.net>\n" + encoded;
        var template = InvitationTemplate.FromStrings("Hi {{display_name}}", "Hello {{display_name}}\n");
        var sender = new PickupFolderInvitationSender(
            new PickupFolderSenderOptions { Directory = _root, Message = TestInvitations.Options() },
            TestInvitations.Composer(template));

        var result = await sender.SendAsync(TestInvitations.Create("jane@example.com", name));

        var bytes = await File.ReadAllBytesAsync(Path.Combine(_root, result.Detail!));
        var message = TestInvitations.Load(bytes);
        var flattened = "Eve .  MAIL FROM:<mallory@example.net> " + encoded;
        Assert.Multiple(() =>
        {
            Assert.That(ValuesFromDataTests.BareLineBreaks(bytes), Is.Zero);
            Assert.That(Encoding.ASCII.GetString(TestInvitations.HeaderBytes(bytes)), Does.Not.Contain(encoded));
            Assert.That(message.To.Mailboxes.Single().Name, Is.EqualTo(flattened));
            Assert.That(message.Subject, Is.EqualTo("Hi " + flattened));
            Assert.That(message.Headers.Contains(HeaderId.Bcc), Is.False);
            Assert.That(message.TextBody?.TrimEnd(), Is.EqualTo("Hello " + flattened));
        });
    }

    [Test]
    public async Task The_folder_is_created_when_it_is_missing()
    {
        var directory = Path.Combine(_root, "a", "b", "c");
        var sender = CreateSender(directory);

        var result = await sender.SendAsync(TestInvitations.Create());

        Assert.That(result.Succeeded, Is.True);
        Assert.That(Directory.GetFiles(directory), Has.Length.EqualTo(1));
    }

    [TestCase("../evil/..@x.com")]
    [TestCase("a/b\\c:d*?\"<>|@example.com")]
    [TestCase("..@x.com")]
    [TestCase("CON@example.com")]
    [TestCase("josé\u0000\t\r\n@example.com")]
    public async Task File_names_are_safe_for_any_address(string address)
    {
        var directory = Path.Combine(_root, "pickup");
        var sender = new PickupFolderInvitationSender(new PickupFolderSenderOptions { Directory = directory }, new FixedComposer());

        var result = await sender.SendAsync(TestInvitations.Create(address));

        Assert.That(result.Succeeded, Is.True);
        Assert.That(result.Detail, Does.Match(SafeFileName()));
        Assert.That(Directory.GetFiles(directory).Select(Path.GetFileName), Is.EqualTo(new[] { result.Detail }));
        Assert.That(Directory.GetDirectories(directory), Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(_root), Is.EqualTo(new[] { directory }));
    }

    [Test]
    public async Task A_hostile_quoted_address_is_composed_and_written_under_a_safe_name()
    {
        var sender = CreateSender(_root);
        const string Address = "\"a/b\\\\c:d*?<>|\"@example.com";

        var result = await sender.SendAsync(TestInvitations.Create(Address));

        Assert.That(result.Detail, Does.Match(SafeFileName()));
        var message = TestInvitations.Load(await File.ReadAllBytesAsync(Path.Combine(_root, result.Detail!)));
        Assert.That(message.To.Mailboxes.Single().Address, Is.EqualTo(Address));
    }

    [Test]
    public void Sanitising_keeps_safe_characters_and_caps_the_length()
    {
        Assert.That(PickupFileName.Sanitize("A.z_0-9+x@ex.com"), Is.EqualTo("A.z_0-9+x@ex.com"));
        Assert.That(PickupFileName.Sanitize("../evil/..@x.com"), Is.EqualTo(".._evil_..@x.com"));
        Assert.That(PickupFileName.Sanitize("a/b\\c:d*?\"<>|@example.com"), Is.EqualTo("a_b_c_d______@example.com"));
        Assert.That(PickupFileName.Sanitize(new string('a', 100) + "@example.com"), Has.Length.EqualTo(PickupFileName.MaxAddressLength));
        Assert.That(PickupFileName.Sanitize(string.Empty), Is.EqualTo("_"));
    }

    [Test]
    public async Task Sending_the_same_invitation_twice_writes_two_files_and_overwrites_nothing()
    {
        var sender = CreateSender(_root);
        var invitation = TestInvitations.Create();

        var first = await sender.SendAsync(invitation);
        var second = await sender.SendAsync(invitation);
        var third = await sender.SendAsync(invitation);

        Assert.That(second.Detail, Is.EqualTo(first.Detail![..^".eml".Length] + "-1.eml"));
        Assert.That(third.Detail, Is.EqualTo(first.Detail![..^".eml".Length] + "-2.eml"));
        var ids = Directory.GetFiles(_root).Select(f => TestInvitations.Load(File.ReadAllBytes(f)).MessageId).ToArray();
        Assert.That(ids, Has.Length.EqualTo(3));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public async Task Concurrent_sends_of_the_same_invitation_each_get_their_own_file()
    {
        var sender = CreateSender(_root);
        var invitation = TestInvitations.Create();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => sender.SendAsync(invitation))));

        Assert.That(results.Select(r => r.Detail).Distinct().Count(), Is.EqualTo(20));
        Assert.That(Directory.GetFiles(_root, "*.eml"), Has.Length.EqualTo(20));
        Assert.That(Directory.GetFiles(_root, "*.tmp"), Is.Empty);
    }

    [Test]
    public async Task A_recipient_that_needs_smtputf8_is_written_with_utf8_headers()
    {
        var sender = CreateSender(_root);

        var result = await sender.SendAsync(TestInvitations.Create("josé@example.com", "José"));

        var message = TestInvitations.Load(await File.ReadAllBytesAsync(Path.Combine(_root, result.Detail!)));
        Assert.That(message.To.Mailboxes.Single().Address, Is.EqualTo("josé@example.com"));
        Assert.That(message.To.Mailboxes.Single().Name, Is.EqualTo("José"));
    }

    [Test]
    public async Task An_address_that_cannot_be_composed_is_a_failed_result()
    {
        var sender = CreateSender(_root);

        var result = await sender.SendAsync(TestInvitations.Create("a..b@example.com"));

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Detail, Does.Contain("address"));
        Assert.That(Directory.GetFileSystemEntries(_root), Is.Empty);
    }

    [Test]
    public void A_folder_that_cannot_be_created_throws_a_transient_transport_exception()
    {
        var blocker = Path.Combine(_root, "blocker");
        File.WriteAllText(blocker, "a file where the folder should be");
        var sender = CreateSender(Path.Combine(blocker, "pickup"));

        var exception = Assert.ThrowsAsync<InvitationTransportException>(() => sender.SendAsync(TestInvitations.Create()));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(exception.StatusCode, Is.Null);
        Assert.That(exception.InnerException, Is.InstanceOf<IOException>());
    }

    [Test]
    public async Task A_folder_removed_after_the_first_send_throws_a_transient_transport_exception()
    {
        var directory = Path.Combine(_root, "pickup");
        var sender = CreateSender(directory);
        await sender.SendAsync(TestInvitations.Create());
        Directory.Delete(directory, recursive: true);
        File.WriteAllText(directory, "a file where the folder was");

        var exception = Assert.ThrowsAsync<InvitationTransportException>(() => sender.SendAsync(TestInvitations.Create()));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(Directory.GetFileSystemEntries(_root), Is.EqualTo(new[] { directory }));
    }

    [Test]
    public void A_cancelled_send_writes_nothing()
    {
        var sender = CreateSender(_root);

        Assert.CatchAsync<OperationCanceledException>(() => sender.SendAsync(TestInvitations.Create(), new CancellationToken(canceled: true)));

        Assert.That(Directory.GetFileSystemEntries(_root), Is.Empty);
    }

    [Test]
    public async Task Each_invitation_writes_one_file_named_by_its_sequence()
    {
        var sender = CreateSender(_root);
        var invitations = Enumerable.Range(1, 5).Select(i => TestInvitations.Create($"u{i}@example.com", sequence: i)).ToArray();

        var results = await Task.WhenAll(invitations.Select(i => sender.SendAsync(i)));

        Assert.That(results.Select(r => r.Detail), Is.EqualTo(invitations.Select(i => $"20260301-090000-{TestInvitations.ImportId.ToString("N")[..8]}-{i.Sequence:D8}-{i.Address}.eml")));
        Assert.That(Directory.GetFiles(_root), Has.Length.EqualTo(5));
    }

    [Test]
    public void Null_and_empty_arguments_are_rejected()
    {
        var composer = TestInvitations.Composer();

        Assert.Throws<ArgumentNullException>(() => _ = new PickupFolderInvitationSender(null!, composer));
        Assert.Throws<ArgumentNullException>(() => _ = new PickupFolderInvitationSender(new PickupFolderSenderOptions(), null!));
        Assert.Throws<ArgumentException>(() => _ = new PickupFolderInvitationSender(new PickupFolderSenderOptions { Directory = " " }, composer));
        Assert.ThrowsAsync<ArgumentNullException>(() => CreateSender(_root).SendAsync(null!));
    }

    [GeneratedRegex(@"^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}-[0-9]{8}-[A-Za-z0-9._@+-]{1,64}(-[0-9]+)?\.eml$")]
    private static partial Regex SafeFileName();

    private static PickupFolderInvitationSender CreateSender(string directory)
        => new(new PickupFolderSenderOptions { Directory = directory, Message = TestInvitations.Options() }, TestInvitations.Composer());

    /// <summary>Composes the same valid message whatever the address, to test names for addresses MimeKit would reject.</summary>
    private sealed class FixedComposer : IInvitationComposer
    {
        public ValueTask<ComposedInvitation> ComposeAsync(Invitation invitation, CancellationToken cancellationToken)
        {
            var recipient = new MailboxAddress("Someone", "someone@example.com");
            var message = new MimeMessage { Date = TestInvitations.Now, Subject = "Invitation", Body = new TextPart("plain") { Text = "Hello" } };
            message.From.Add(new MailboxAddress("Sender", "sender@example.com"));
            message.To.Add(recipient);
            return ValueTask.FromResult(new ComposedInvitation(message, recipient, RequiresSmtpUtf8: false));
        }
    }
}
