using System.Text;
using BulkInvite.Smtp.Composition;
using MimeKit;
using MimeKit.Text;

namespace BulkInvite.Smtp.Tests.Composition;

/// <summary>The shortcut must agree with MimeKit's own choice whenever it answers 7bit.</summary>
[TestFixture]
public sealed class SevenBitTextTests
{
    [TestCase("Hello,\nworld\n", true)]
    [TestCase("", true)]
    [TestCase("Crlf lines\r\nare fine\r\n", true)]
    [TestCase("José", false)]
    [TestCase("nul \0 inside", false)]
    [TestCase("From here on", true)]
    [TestCase("tab\tand controls \u0001 are ASCII", true)]
    public void Agrees_with_mimekit(string text, bool expected)
    {
        Assert.That(SevenBitText.IsSafe(text), Is.EqualTo(expected));
        Assert.That(MimeKitSaysSevenBit(text), Is.EqualTo(expected));
    }

    [TestCase(998, true)]
    [TestCase(999, false)]
    public void Lines_up_to_998_characters_are_7bit(int length, bool expected)
    {
        var text = "short\n" + new string('x', length) + "\nshort";
        Assert.That(SevenBitText.IsSafe(text), Is.EqualTo(expected));
        Assert.That(MimeKitSaysSevenBit(text), Is.EqualTo(expected));
    }

    [Test]
    public void Random_texts_get_the_same_answer_as_from_mimekit()
    {
        var random = new Random(20261201);
        var alphabet = "abc From\r\n\t\0é<>=-".ToCharArray();
        for (var i = 0; i < 2000; i++)
        {
            var builder = new StringBuilder();
            var length = random.Next(0, 40);
            for (var j = 0; j < length; j++)
            {
                builder.Append(alphabet[random.Next(alphabet.Length)]);
            }

            if (random.Next(10) == 0)
            {
                builder.Append('y', random.Next(990, 1010));
            }

            var text = builder.ToString();
            Assert.That(SevenBitText.IsSafe(text), Is.EqualTo(MimeKitSaysSevenBit(text)), () => $"text: {text.Replace("\0", "\\0", StringComparison.Ordinal)}");
        }
    }

    private static bool MimeKitSaysSevenBit(string text)
    {
        var part = new TextPart(TextFormat.Plain);
        part.SetText(Encoding.UTF8, text);
        return part.GetBestEncoding(EncodingConstraint.SevenBit, 998) == ContentEncoding.SevenBit;
    }
}
