using System.Text;

namespace BulkInvite.Tests.Validation;

[TestFixture]
public sealed class EmailValidatorTests
{
    private static IEnumerable<TestCaseData> Cases
        => ValidatorCases.All.Select(c => new TestCaseData(c).SetName(c.Name));

    /// <summary>Cases that stay on the allocation-free path: every option but international domains.</summary>
    private static IEnumerable<ValidatorCase> AllocationFreeCases
        => ValidatorCases.All.Where(c => !c.Options.HasFlag(ValidatorOptions.International));

    [TestCaseSource(nameof(Cases))]
    public void Validate_returns_the_first_reason_of_the_table(object row)
    {
        var c = (ValidatorCase)row;

        InvalidReason actual = c.CreateValidator().Validate(c.Address);

        Assert.That(actual, Is.EqualTo(c.Expected));
    }

    [TestCaseSource(nameof(Cases))]
    public void Utf8_bytes_give_the_same_reason_as_the_characters(object row)
    {
        var c = (ValidatorCase)row;
        EmailValidator validator = c.CreateValidator();

        InvalidReason fromBytes = validator.Validate(c.ToUtf8().AsSpan());
        InvalidReason fromChars = validator.Validate(c.Address.AsSpan());

        Assert.Multiple(() =>
        {
            Assert.That(fromBytes, Is.EqualTo(fromChars));
            Assert.That(fromBytes, Is.EqualTo(c.Expected));
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void IsValid_is_true_exactly_when_the_reason_is_None(object row)
    {
        var c = (ValidatorCase)row;

        bool actual = c.CreateValidator().IsValid(c.Address);

        Assert.That(actual, Is.EqualTo(c.Expected == InvalidReason.None));
    }

    [Test]
    public void The_table_has_at_least_200_cases_with_unique_names()
    {
        ValidatorCase[] all = [.. ValidatorCases.All];

        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Length.GreaterThanOrEqualTo(200));
            Assert.That(all.Select(c => c.Name), Is.Unique);
        });
    }

    [Test]
    public void The_table_covers_every_reason_the_validator_can_give()
    {
        InvalidReason[] parserOnly = [InvalidReason.EntryTooLong, InvalidReason.MalformedEntry];

        // The domain is within 252 octets whenever the address is within 254, and IDNA rejects longer A-labels.
        InvalidReason[] unreachable = [InvalidReason.DomainTooLong];

        IEnumerable<InvalidReason> expected = Enum.GetValues<InvalidReason>().Except(parserOnly).Except(unreachable);

        Assert.That(ValidatorCases.All.Select(c => c.Expected).Distinct(), Is.EquivalentTo(expected));
    }

    [TestCase(new byte[] { 0xFF }, TestName = "Byte FF is invalid UTF-8")]
    [TestCase(new byte[] { (byte)'a', 0x80, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o' }, TestName = "Lone continuation byte is invalid UTF-8")]
    [TestCase(new byte[] { (byte)'a', 0xC0, 0x80, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o' }, TestName = "Overlong encoding of NUL is invalid UTF-8")]
    [TestCase(new byte[] { (byte)'a', 0xC3, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o' }, TestName = "Truncated two-byte sequence is invalid UTF-8")]
    [TestCase(new byte[] { (byte)'a', (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o', 0xE2, 0x82 }, TestName = "Truncated three-byte sequence at the end is invalid UTF-8")]
    [TestCase(new byte[] { (byte)'a', 0xED, 0xA0, 0x80, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o' }, TestName = "Encoded surrogate is invalid UTF-8")]
    [TestCase(new byte[] { (byte)'a', 0xF4, 0x90, 0x80, 0x80, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o' }, TestName = "Code point above U+10FFFF is invalid UTF-8")]
    [TestCase(new byte[] { (byte)'a', 0xF8, 0x88, 0x80, 0x80, 0x80, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o' }, TestName = "Five-byte sequence is invalid UTF-8")]
    [TestCase(new byte[] { (byte)'a', 0xEF, 0xBF, 0xBD, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o' }, TestName = "Encoded replacement character is invalid text")]
    [TestCase(new byte[] { (byte)' ', 0xFF, (byte)'@', (byte)'b', (byte)'.', (byte)'c', (byte)'o' }, TestName = "Invalid UTF-8 is found before whitespace")]
    public void Bytes_that_are_not_UTF8_text_give_InvalidEncoding(byte[] utf8)
    {
        Assert.Multiple(() =>
        {
            Assert.That(EmailValidator.Default.Validate(utf8.AsSpan()), Is.EqualTo(InvalidReason.InvalidEncoding));
            Assert.That(International.Validate(utf8.AsSpan()), Is.EqualTo(InvalidReason.InvalidEncoding));
        });
    }

    [Test]
    public void More_than_254_bytes_give_AddressTooLong_before_the_encoding_is_looked_at()
    {
        byte[] utf8 = [.. Enumerable.Repeat((byte)0xFF, 255)];

        Assert.That(EmailValidator.Default.Validate(utf8.AsSpan()), Is.EqualTo(InvalidReason.AddressTooLong));
    }

    [Test]
    public void Empty_bytes_give_Empty()
    {
        Assert.That(EmailValidator.Default.Validate(ReadOnlySpan<byte>.Empty), Is.EqualTo(InvalidReason.Empty));
    }

    [Test]
    public void Multi_byte_UTF8_counts_in_octets()
    {
        // 32 two-octet characters: 64 octets; 33: 66 octets.
        byte[] fits = Encoding.UTF8.GetBytes(new string('\u00E9', 32) + "@example.com");
        byte[] tooLong = Encoding.UTF8.GetBytes(new string('\u00E9', 33) + "@example.com");

        Assert.Multiple(() =>
        {
            Assert.That(International.Validate(fits.AsSpan()), Is.EqualTo(InvalidReason.None));
            Assert.That(International.Validate(tooLong.AsSpan()), Is.EqualTo(InvalidReason.LocalPartTooLong));
        });
    }

    [Test]
    public void Validation_allocates_nothing_for_valid_or_invalid_addresses_outside_international_domains()
    {
        (EmailValidator Validator, string Address, byte[] Utf8)[] inputs =
            [.. AllocationFreeCases.Select(c => (c.CreateValidator(), c.Address, c.ToUtf8()))];
        Assert.That(inputs.Count(i => i.Validator.Validate(i.Address) != InvalidReason.None), Is.GreaterThan(100));

        int sink = Run(inputs, 10);
        long allocated = BulkInvite.Tests.Support.Allocations.Measure(() => sink += Run(inputs, 100));

        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero);
            Assert.That(sink, Is.Not.Zero);
        });
    }

    [Test]
    public void Validation_of_ASCII_addresses_with_international_addresses_allowed_allocates_nothing()
    {
        string[] addresses = ["john.doe@example.com", "john..doe@example.com", "john@exa_mple.com", "john@localhost", "a b@example.com"];
        int sink = 0;
        foreach (string address in addresses)
        {
            sink += (int)International.Validate(address);
        }

        long allocated = BulkInvite.Tests.Support.Allocations.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                foreach (string address in addresses)
                {
                    sink += (int)International.Validate(address);
                }
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero);
            Assert.That(sink, Is.Not.Zero);
        });
    }

    [Test]
    public void Constructor_rejects_null_options()
    {
        Assert.That(() => new EmailValidator(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
    }

    [Test]
    public void Validator_copies_the_options_and_ignores_later_changes()
    {
        var options = new EmailValidationOptions { AllowSingleLabelDomain = true };
        var validator = new EmailValidator(options);

        options.AllowSingleLabelDomain = false;

        Assert.That(validator.Validate("john@localhost"), Is.EqualTo(InvalidReason.None));
    }

    [Test]
    public void Default_validator_applies_the_default_rules()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EmailValidator.Default.Validate("john@example.com"), Is.EqualTo(InvalidReason.None));
            Assert.That(EmailValidator.Default.Validate("\"john\"@example.com"), Is.EqualTo(InvalidReason.QuotedLocalPartNotAllowed));
            Assert.That(EmailValidator.Default.Validate("john@[192.0.2.1]"), Is.EqualTo(InvalidReason.DomainLiteralNotAllowed));
            Assert.That(EmailValidator.Default.Validate("jos\u00E9@example.com"), Is.EqualTo(InvalidReason.NonAsciiNotAllowed));
            Assert.That(EmailValidator.Default.Validate("john@localhost"), Is.EqualTo(InvalidReason.SingleLabelDomain));
        });
    }

    [Test]
    public void Validator_is_usable_through_its_interface()
    {
        IEmailValidator validator = new EmailValidator();

        Assert.That(validator.Validate("john@example.com"), Is.EqualTo(InvalidReason.None));
    }

    private static EmailValidator International { get; } = new(new EmailValidationOptions { AllowInternational = true });

    private static int Run((EmailValidator Validator, string Address, byte[] Utf8)[] inputs, int rounds)
    {
        int sum = 0;
        for (int round = 0; round < rounds; round++)
        {
            foreach ((EmailValidator validator, string address, byte[] utf8) in inputs)
            {
                sum += (int)validator.Validate(address.AsSpan());
                sum += (int)validator.Validate(utf8.AsSpan());
            }
        }

        return sum;
    }
}
