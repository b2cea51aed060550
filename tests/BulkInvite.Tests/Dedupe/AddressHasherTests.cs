using System.Text;
using BulkInvite.Dedupe;

namespace BulkInvite.Tests.Dedupe;

/// <summary>The case-folding fingerprint equals the fingerprint of the lower-cased key.</summary>
[TestFixture]
public sealed class AddressHasherTests
{
    [Test]
    public void Lower_ascii_changes_exactly_the_capital_letters_of_each_byte()
    {
        for (var b = 0; b < 256; b++)
        {
            var word = 0x0101010101010101UL * (ulong)b;
            var expected = b is >= 'A' and <= 'Z' ? b + 32 : b;
            Assert.That(AddressHasher.LowerAscii(word), Is.EqualTo(0x0101010101010101UL * (ulong)expected), $"byte 0x{b:X2}");
        }
    }

    [Test]
    public void Ignore_case_fingerprints_are_those_of_the_lower_cased_keys()
    {
        var hasher = new AddressHasher(12345);
        var random = new Random(9);
        const string Alphabet = "aZbY09.-_@+'éÉ日";
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(1, 80);
            var text = new string([.. Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            var bytes = Encoding.UTF8.GetBytes(text);
            var lower = (byte[])bytes.Clone();
            Ascii.ToLowerInPlace(lower, out _);
            for (var j = 0; j < lower.Length; j++)
            {
                // Ascii.ToLowerInPlace stops at the first non-ASCII byte: lower the rest the same way.
                lower[j] = bytes[j] is >= (byte)'A' and <= (byte)'Z' ? (byte)(bytes[j] + 32) : bytes[j];
            }

            Assert.That(hasher.HashUtf8IgnoreCase(bytes), Is.EqualTo(hasher.HashUtf8(lower)), text);
        }
    }
}
