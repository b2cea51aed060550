using System.Text;

namespace BulkInvite.Web.Tests;

/// <summary>Upload files with known outcomes for the demo accounts (see the sample's appsettings.json).</summary>
internal static class SampleFiles
{
    /// <summary>
    /// Contoso: 3 new addresses, 2 invalid, 1 duplicate (of line 1, by case), 1 existing user (carol@example.com).
    /// </summary>
    public const string Mixed =
        "ann@example.com\n" +
        "not-an-address\n" +
        "ben@example.com, ANN@example.com\n" +
        "carol@example.com\n" +
        "\"Cleo Client\" <cleo@example.net>\n" +
        "two@@example.com\n";

    /// <summary>A file of <paramref name="count"/> distinct addresses, every tenth one invalid.</summary>
    public static string Numbered(int count, string prefix = "user")
    {
        var builder = new StringBuilder(count * 24);
        for (var i = 1; i <= count; i++)
        {
            builder.Append(i % 10 == 0 ? $"{prefix}{i}.example.com" : $"{prefix}{i}@example.com").Append('\n');
        }

        return builder.ToString();
    }
}
