using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using BulkInvite.Dedupe;

namespace BulkInvite.Tests.Dedupe;

/// <summary>
/// The fingerprint: the case-folding one equals that of the lower-cased key, keys of every length and every one-byte
/// change get fingerprints of their own, the slot bits are evenly spread for addresses of one domain, and the seed
/// matters.
/// </summary>
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
    public void Every_prefix_and_every_one_byte_change_of_a_key_has_a_fingerprint_of_its_own()
    {
        // Prefixes of every length up to 512 bytes, each with the last word partly full or full; a key and the key with
        // one byte changed differ in one word.
        var hasher = new AddressHasher(7);
        var key = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("jane.doe+news@mail.example.com.", 17))[..512]);
        var seen = new HashSet<(ulong, uint)>();
        for (var length = 0; length <= key.Length; length++)
        {
            var prefix = key.AsSpan(0, length);
            Assert.That(seen.Add(hasher.HashUtf8(prefix)), Is.True, $"prefix of {length} bytes");
            for (var i = 0; i < length; i += 1 + (length / 40))
            {
                var changed = prefix.ToArray();
                changed[i] ^= 0x01;
                Assert.That(seen.Add(hasher.HashUtf8(changed)), Is.True, $"byte {i} of {length} changed");
            }
        }

        Assert.That(seen, Has.Count.GreaterThan(10_000));
    }

    [Test]
    public void A_zero_byte_at_the_end_makes_another_key()
    {
        var hasher = new AddressHasher(7);
        for (var length = 0; length < 40; length++)
        {
            var key = new byte[length + 1];
            Assert.That(hasher.HashUtf8(key.AsSpan(0, length)), Is.Not.EqualTo(hasher.HashUtf8(key)), $"{length} zero bytes and one more");
        }
    }

    [TestCase("user{0}@example.com", TestName = "Slots of short addresses of one domain are evenly spread")]
    [TestCase("first.last.with.a.long.local.part.{0}@example.com", TestName = "Slots of long addresses of one domain are evenly spread")]
    public void Slots_of_addresses_of_one_domain_are_evenly_spread(string pattern)
    {
        // The bits that pick a slot, for 100,000 addresses that differ in a counter only: the low part in the main table,
        // the top 32 bits of the high part in the overflow. A chi-squared test over 256 buckets of the top 8 bits of each
        // (255 degrees of freedom; 99.99 % quantile 360).
        var hasher = new AddressHasher(11);
        var main = new int[256];
        var overflow = new int[256];
        const int Count = 100_000;
        for (var i = 0; i < Count; i++)
        {
            var (high, low) = hasher.HashUtf8(Encoding.ASCII.GetBytes(string.Format(CultureInfo.InvariantCulture, pattern, i)));
            main[low >> 24]++;
            overflow[high >> 56]++;
        }

        const double Expected = Count / 256.0;
        Assert.That(main.Sum(b => (b - Expected) * (b - Expected) / Expected), Is.LessThan(360), "main table");
        Assert.That(overflow.Sum(b => (b - Expected) * (b - Expected) / Expected), Is.LessThan(360), "overflow table");
    }

    [Test]
    public void Different_seeds_give_different_fingerprints_and_random_hashers_differ()
    {
        var key = "jane@example.com"u8.ToArray();
        Assert.That(new AddressHasher(1).HashUtf8(key), Is.Not.EqualTo(new AddressHasher(2).HashUtf8(key)));
        var first = new AddressHasher(1);
        var again = new AddressHasher(1);
        Assert.That(first.HashUtf8(key), Is.EqualTo(again.HashUtf8(key)), "the same seed");
        var random = AddressHasher.CreateRandom();
        var other = AddressHasher.CreateRandom();
        Assert.That(random.HashUtf8(key), Is.Not.EqualTo(other.HashUtf8(key)), "random seeds");
    }

    [Test]
    public void A_short_key_loaded_in_one_vector_is_its_bytes_then_zeros()
    {
        Assume.That(Avx2.IsSupported, "the vector load needs AVX2");
        var bytes = Enumerable.Range(1, 40).Select(i => (byte)(i * 5)).ToArray();
        for (var length = 0; length <= AddressHasher.ShortKeyBytes; length++)
        {
            // From an array that goes on after the key: nothing beyond it may be read into the vector.
            var loaded = new byte[32];
            BulkInvite.Text.ShortUtf8.Load(bytes.AsSpan(0, length)).CopyTo(loaded);
            Assert.That(loaded, Is.EqualTo(bytes.Take(length).Concat(new byte[32 - length]).ToArray()), $"{length} bytes");
        }
    }

    [Test]
    public void Ignore_case_fingerprints_of_ASCII_keys_are_those_of_the_lower_cased_keys_and_other_keys_get_none()
    {
        var hasher = new AddressHasher(12345);
        var random = new Random(9);
        const string Alphabet = "aZbY09.-_@+'éÉ日";
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(1, 80);
            // Every other key ASCII; the others mostly not, with their first non-ASCII byte anywhere in them.
            var alphabet = i % 2 == 0 ? Alphabet[..^3] : Alphabet;
            var text = new string([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var bytes = Encoding.UTF8.GetBytes(text);
            var lower = (byte[])bytes.Clone();
            Ascii.ToLowerInPlace(lower, out _);
            for (var j = 0; j < lower.Length; j++)
            {
                // Ascii.ToLowerInPlace stops at the first non-ASCII byte: lower the rest the same way.
                lower[j] = bytes[j] is >= (byte)'A' and <= (byte)'Z' ? (byte)(bytes[j] + 32) : bytes[j];
            }

            var ascii = hasher.TryHashAsciiIgnoreCase(bytes, out var high, out var low);
            Assert.That(ascii, Is.EqualTo(Ascii.IsValid(bytes)), text);
            if (ascii)
            {
                Assert.That((high, low), Is.EqualTo(hasher.HashUtf8(lower)), text);
            }
        }
    }
}
