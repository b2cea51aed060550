using MimeKit;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>A message the test server accepted, with its envelope and the bytes that arrived after DATA.</summary>
internal sealed record ReceivedMessage(string SessionId, string From, IReadOnlyList<string> Recipients, MimeMessage Message, byte[] Bytes);
