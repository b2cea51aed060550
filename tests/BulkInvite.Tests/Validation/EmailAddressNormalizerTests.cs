namespace BulkInvite.Tests.Validation;

[TestFixture]
public sealed class EmailAddressNormalizerTests
{
    [TestCase("Jane.Doe@Example.COM", "jane.doe@example.com")]
    [TestCase("jane.doe@example.com", "jane.doe@example.com")]
    [TestCase("JANE@example.com", "jane@example.com")]
    [TestCase("jane@EXAMPLE.com", "jane@example.com")]
    [TestCase("\u00C9LODIE@example.com", "\u00E9lodie@example.com")]
    [TestCase("Jos\u00E9@B\u00FCcher.DE", "jos\u00E9@xn--bcher-kva.de")]
    [TestCase("\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A", "\u7528\u6237@xn--fsqu00a.xn--4rr70v")]
    [TestCase("\u7528\u6237@\u4F8B\u5B50\u3002\u5E7F\u544A", "\u7528\u6237@xn--fsqu00a.xn--4rr70v")]
    [TestCase("Jane@XN--BCHER-KVA.DE", "jane@xn--bcher-kva.de")]
    [TestCase("\"A@B\"@Example.com", "\"a@b\"@example.com")]
    [TestCase("John@[IPv6:2001:DB8::1]", "john@[ipv6:2001:db8::1]")]
    [TestCase("John@[192.0.2.1]", "john@[192.0.2.1]")]
    [TestCase("ZO\u00CB@B\u00FCcher.Example", "zo\u00EB@xn--bcher-kva.example")]
    public void Ignoring_case_lower_cases_the_whole_address_and_uses_A_labels(string address, string expected)
    {
        Assert.That(EmailAddressNormalizer.Normalize(address, DuplicateComparison.IgnoreCase), Is.EqualTo(expected));
    }

    [TestCase("Jane.Doe@Example.COM", "Jane.Doe@example.com")]
    [TestCase("Jane.Doe@example.com", "Jane.Doe@example.com")]
    [TestCase("Jos\u00E9@B\u00FCcher.DE", "Jos\u00E9@xn--bcher-kva.de")]
    [TestCase("\u00C9LODIE@example.com", "\u00C9LODIE@example.com")]
    [TestCase("\"A B\"@Example.com", "\"A B\"@example.com")]
    public void Case_sensitive_local_parts_keep_the_local_part_and_lower_case_the_domain(string address, string expected)
    {
        Assert.That(EmailAddressNormalizer.Normalize(address, DuplicateComparison.CaseSensitiveLocalPart), Is.EqualTo(expected));
    }

    [Test]
    public void Ignoring_case_is_the_default()
    {
        Assert.That(EmailAddressNormalizer.Normalize("Jane@Example.com"), Is.EqualTo("jane@example.com"));
    }

    [TestCase("jane.doe@example.com", DuplicateComparison.IgnoreCase)]
    [TestCase("jos\u00E9@example.com", DuplicateComparison.IgnoreCase)]
    [TestCase("Jane.Doe@example.com", DuplicateComparison.CaseSensitiveLocalPart)]
    [TestCase("\u00C9LODIE@example.com", DuplicateComparison.CaseSensitiveLocalPart)]
    [TestCase("john@[192.0.2.1]", DuplicateComparison.IgnoreCase)]
    public void An_address_already_in_normal_form_comes_back_as_the_same_instance(string address, DuplicateComparison comparison)
    {
        Assert.That(EmailAddressNormalizer.Normalize(address, comparison), Is.SameAs(address));
    }

    [Test]
    public void Addresses_that_differ_only_in_case_normalize_to_the_same_text()
    {
        string[] spellings = ["Jane.Doe@Example.com", "jane.doe@EXAMPLE.COM", "JANE.DOE@example.com"];

        Assert.That(spellings.Select(s => EmailAddressNormalizer.Normalize(s)).Distinct().ToArray(), Has.Length.EqualTo(1));
    }

    [Test]
    public void A_null_address_is_rejected()
    {
        Assert.That(() => EmailAddressNormalizer.Normalize(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("address"));
    }

    [TestCase("")]
    [TestCase("plainaddress")]
    public void An_address_without_an_at_sign_is_rejected(string address)
    {
        Assert.That(() => EmailAddressNormalizer.Normalize(address), Throws.ArgumentException.With.Property("ParamName").EqualTo("address"));
    }

    [Test]
    public void An_unknown_comparison_is_rejected()
    {
        Assert.That(
            () => EmailAddressNormalizer.Normalize("jane@example.com", (DuplicateComparison)42),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("comparison"));
    }

    [Test]
    public void A_domain_that_fails_the_IDNA_rules_is_rejected()
    {
        Assert.That(() => EmailAddressNormalizer.Normalize("jane@\uE000.com"), Throws.ArgumentException);
    }
}
