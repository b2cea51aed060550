using MimeKit;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>A message the test server accepted, with its envelope.</summary>
internal sealed record ReceivedMessage(string SessionId, string From, IReadOnlyList<string> Recipients, MimeMessage Message);
