using System.Text;

namespace BulkInvite.Tests.Validation;

/// <summary>The one-pass check of common addresses never calls valid what the full rules reject, under any option.</summary>
[TestFixture]
public sealed class PlainAddressTests
{
    private const string Alphabet = "abcXYZ019.-@_+'!~`{}|/=?^#$%&*\"()[]<>,;: \t\u00E9xn";

    [Test]
    public void Random_addresses_are_certainly_valid_only_when_the_full_rules_agree([Values] bool international)
    {
        var random = new Random(international ? 5 : 6);
        var strict = new EmailValidator(new EmailValidationOptions { AllowInternational = international });
        var relaxed = new EmailValidator(new EmailValidationOptions
        {
            AllowInternational = international, AllowQuotedLocalPart = true, AllowDomainLiteral = true, AllowSingleLabelDomain = true,
        });
        var accepted = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var address = Candidate(random);
            var bytes = Encoding.UTF8.GetBytes(address);
            var scalar = PlainAddress.IsCertainlyValid(address.AsSpan(), international);
            var vector = PlainAddress.IsCertainlyValidUtf8(bytes, international);
            Assert.That(PlainAddress.IsCertainlyValid(bytes.AsSpan(), international), Is.EqualTo(scalar), address);
            if (!international)
            {
                Assert.That(vector, Is.EqualTo(scalar), address);
            }

            if (!scalar && !vector)
            {
                continue;
            }

            accepted++;
            Assert.That(AddressSyntax.Validate(address.AsSpan(), AddressCharacters.IndexOfNonPlain(address.AsSpan()), strict), Is.EqualTo(InvalidReason.None), address);
            Assert.That(AddressSyntax.Validate(address.AsSpan(), AddressCharacters.IndexOfNonPlain(address.AsSpan()), relaxed), Is.EqualTo(InvalidReason.None), address);
        }

        Assert.That(accepted, Is.GreaterThan(2_000), "the candidates include plenty of plain addresses");
    }

    [Test]
    public void Every_length_and_every_place_of_a_bad_character_is_seen_by_the_vector_forms()
    {
        // Lengths 6 to 70 cover each way the vector forms load an address; a bad character is put at every place.
        for (var length = 6; length <= 70; length++)
        {
            var domain = "ab.co";
            var local = new string('x', length - domain.Length - 1);
            var address = $"{local}@{domain}";
            var expected = PlainAddress.IsCertainlyValid(address.AsSpan(), international: false);
            Assert.That(PlainAddress.IsCertainlyValidUtf8(Encoding.ASCII.GetBytes(address), false), Is.EqualTo(expected), address);
            for (var place = 0; place < length; place++)
            {
                foreach (var bad in " \u00E9\u0100\u8000(\0")
                {
                    var broken = string.Concat(address.AsSpan(0, place), bad.ToString(), address.AsSpan(place + 1));
                    Assert.That(PlainAddress.IsCertainlyValidUtf8(Encoding.UTF8.GetBytes(broken), false), Is.False, $"{broken} ({length})");
                }
            }
        }
    }

    [TestCase("a@b.co", true)]
    [TestCase("first.last+tag@mail.example.com", true)]
    [TestCase("o'neil_{x}@sub-domain.example", true)]
    [TestCase(".a@b.co", false)]
    [TestCase("a.@b.co", false)]
    [TestCase("a..b@b.co", false)]
    [TestCase("a@b", false)]
    [TestCase("a@-b.co", false)]
    [TestCase("a@b-.co", false)]
    [TestCase("a@b.123", false)]
    [TestCase("a@b..co", false)]
    [TestCase("a@b.co.", false)]
    [TestCase("a@[192.0.2.1]", false)]
    [TestCase("\"a\"@b.co", false)]
    [TestCase("a b@b.co", false)]
    [TestCase("a@b@c.co", false)]
    public void Common_cases(string address, bool expected)
    {
        Assert.That(PlainAddress.IsCertainlyValid(address.AsSpan(), international: false), Is.EqualTo(expected));
        Assert.That(PlainAddress.IsCertainlyValid(Encoding.ASCII.GetBytes(address).AsSpan(), international: false), Is.EqualTo(expected));
        Assert.That(PlainAddress.IsCertainlyValidUtf8(Encoding.ASCII.GetBytes(address), international: false), Is.EqualTo(expected));
    }

    [Test]
    public void Lengths_at_the_limits()
    {
        var local64 = new string('l', 64);
        var label63 = new string('d', 63);
        Assert.That(PlainAddress.IsCertainlyValid($"{local64}@b.co".AsSpan(), false), Is.True);
        Assert.That(PlainAddress.IsCertainlyValidUtf8(Encoding.ASCII.GetBytes($"{new string('l', 57)}@b.co"), false), Is.True, "64 bytes");
        Assert.That(PlainAddress.IsCertainlyValidUtf8(Encoding.ASCII.GetBytes($"{new string('l', 58)}@b.co"), false), Is.True, "65 bytes, checked one by one");
        Assert.That(PlainAddress.IsCertainlyValidUtf8(Encoding.ASCII.GetBytes("a@b.c1"), false), Is.True);
        Assert.That(PlainAddress.IsCertainlyValidUtf8(Encoding.ASCII.GetBytes("a@b.12"), false), Is.False);
        Assert.That(PlainAddress.IsCertainlyValid($"{local64}x@b.co".AsSpan(), false), Is.False);
        Assert.That(PlainAddress.IsCertainlyValid($"a@{label63}.co".AsSpan(), false), Is.True);
        Assert.That(PlainAddress.IsCertainlyValid($"a@{label63}d.co".AsSpan(), false), Is.False);
        var domain = string.Join('.', Enumerable.Repeat(label63, 4));
        Assert.That(PlainAddress.IsCertainlyValid($"a@{domain}".AsSpan(), false), Is.False, "a 255-octet domain");
        Assert.That(PlainAddress.IsCertainlyValid("a@xn--bcher-kva.example".AsSpan(), international: true), Is.False, "A-labels are for the IDNA rules");
        Assert.That(PlainAddress.IsCertainlyValid("a@xn--bcher-kva.example".AsSpan(), international: false), Is.True);
    }

    private static string Candidate(Random random)
    {
        // Mostly address-shaped text, with characters from the edges of the rules mixed in.
        var builder = new StringBuilder();
        var parts = random.Next(1, 4);
        for (var p = 0; p < parts; p++)
        {
            if (p > 0)
            {
                builder.Append(random.Next(4) == 0 ? Alphabet[random.Next(Alphabet.Length)] : '.');
            }

            var length = random.Next(0, random.Next(10) == 0 ? 70 : 8);
            for (var i = 0; i < length; i++)
            {
                builder.Append(random.Next(3) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (char)('a' + random.Next(26)));
            }
        }

        builder.Append(random.Next(20) == 0 ? "" : "@");
        var labels = random.Next(0, 4);
        for (var l = 0; l < labels; l++)
        {
            if (l > 0)
            {
                builder.Append('.');
            }

            var length = random.Next(0, random.Next(10) == 0 ? 70 : 8);
            for (var i = 0; i < length; i++)
            {
                builder.Append(random.Next(5) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (char)('a' + random.Next(26)));
            }
        }

        return builder.ToString();
    }
}
