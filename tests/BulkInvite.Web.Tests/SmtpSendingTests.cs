using BulkInvite.Smtp.Tests.Transport;

namespace BulkInvite.Web.Tests;

/// <summary>The sample configured to send over SMTP (<c>Sample:Sender=Smtp</c>), against a real SMTP server on 127.0.0.1.</summary>
[TestFixture]
[NonParallelizable]
public sealed class SmtpSendingTests
{
    private static readonly string[] Variables = ["Sample__Sender", "BulkInvite__Smtp__Port", "BulkInvite__Smtp__Host", "BulkInvite__Smtp__Security"];

    [Test]
    public async Task Invitations_go_out_over_smtp_when_configured()
    {
        await using var server = await TestSmtpServer.StartAsync();
        // Operators configure the host through its environment; the sample reads it when it starts.
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("Sample__Sender", "Smtp");
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Host", "127.0.0.1");
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Environment.SetEnvironmentVariable("BulkInvite__Smtp__Security", "None");
            await using var factory = new SampleFactory();
            using var alice = await SampleClient.SignInAsync(factory, "alice");

            var importId = await alice.UploadOkAsync("team.txt", SampleFiles.Mixed);
            var status = await alice.WaitUntilFinishedAsync(importId);

            Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Completed"));
            Assert.That(status.GetProperty("counts").GetProperty("invited").GetInt64(), Is.EqualTo(3));
            var received = server.Store.Messages.ToArray();
            Assert.That(received.SelectMany(m => m.Recipients).Order(), Is.EqualTo(new[] { "ann@example.com", "ben@example.com", "cleo@example.net" }));
            Assert.That(received.Select(m => m.Message.Subject).Distinct(), Is.EqualTo(new[] { "Alice Admin invited you to Contoso" }));
            Assert.That(factory.PickupFiles("contoso"), Is.Empty, "nothing is written to the pickup folder");
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
