using static BulkInvite.InvalidReason;
using static BulkInvite.Tests.Validation.ValidatorOptions;

namespace BulkInvite.Tests.Validation;

/// <summary>
/// The validator table, derived from RFC 5321 (mailbox, quoted strings, address literals), RFC 5322 (atext,
/// dot-atom), RFC 6531 (UTF-8 local parts), RFC 3696 with its errata (the examples of section 3) and the IDNA rules.
/// </summary>
internal static class ValidatorCases
{
    private static readonly string Label63 = new('a', 63);
    private static readonly string Label64 = new('a', 64);

    /// <summary>Every ASCII punctuation character with its name.</summary>
    private static readonly (char Character, string Name)[] Punctuation =
    [
        (' ', "space"), ('!', "exclamation mark"), ('"', "quotation mark"), ('#', "number sign"), ('$', "dollar sign"),
        ('%', "percent sign"), ('&', "ampersand"), ('\'', "apostrophe"), ('(', "left parenthesis"),
        (')', "right parenthesis"), ('*', "asterisk"), ('+', "plus sign"), (',', "comma"), ('-', "hyphen"),
        ('.', "full stop"), ('/', "solidus"), (':', "colon"), (';', "semicolon"), ('<', "less-than sign"),
        ('=', "equals sign"), ('>', "greater-than sign"), ('?', "question mark"), ('@', "commercial at"),
        ('[', "left square bracket"), ('\\', "reverse solidus"), (']', "right square bracket"), ('^', "circumflex accent"),
        ('_', "low line"), ('`', "grave accent"), ('{', "left curly bracket"), ('|', "vertical line"),
        ('}', "right curly bracket"), ('~', "tilde"),
    ];

    private const string AtextSpecials = "!#$%&'*+-/=?^_`{|}~";

    public static IEnumerable<ValidatorCase> All => Table.Value;

    private static readonly Lazy<ValidatorCase[]> Table = new(Build);

    private static ValidatorCase[] Build()
    {
        var cases = new List<ValidatorCase>();
        void Valid(string description, string address, ValidatorOptions options = Default)
            => cases.Add(new ValidatorCase(description, address, options, None));
        void Invalid(string description, string address, InvalidReason expected, ValidatorOptions options = Default)
            => cases.Add(new ValidatorCase(description, address, options, expected));

        // Plain dot-atom addresses (RFC 5322 3.2.3, RFC 3696 3 with errata 246 and 3563).
        Valid("simple address", "simple@example.com");
        Valid("dotted local part", "very.common@example.com");
        Valid("one-letter local part", "x@example.com");
        Valid("hyphens and subdomains", "long.email-address-with-hyphens@and.subdomains.example.com");
        Valid("plus tags", "user.name+tag+sorting@example.com");
        Valid("upper case letters", "John.DOE@Example.COM");
        Valid("digits only local part", "1234567890@example.com");
        Valid("low lines only local part", "_______@example.com");
        Valid("local part ending with a hyphen", "user-@example.org");
        Valid("bang path lookalike", "mailhost!username@example.org");
        Valid("percent routing lookalike", "user%example.com@example.org");
        Valid("RFC 3696 solidus and equals example", "customer/department=shipping@example.com");
        Valid("RFC 3696 dollar example", "$A12345@example.com");
        Valid("RFC 3696 exclamation and percent example", "!def!xyz%abc@example.com");
        Valid("RFC 3696 leading low line example", "_somename@example.com");
        Valid("every atext special at once", AtextSpecials + "@example.com");
        foreach (char c in AtextSpecials)
        {
            Valid($"atext special {NameOf(c)} inside the local part", $"a{c}b@example.com");
            Valid($"atext special {NameOf(c)} as the whole local part", $"{c}@example.com");
        }

        // Host-name domains (RFC 5321 4.1.2, RFC 1123 2.1).
        Valid("one-letter labels", "a@b.co");
        Valid("digits in labels", "a@123.example.com");
        Valid("all-digit labels below an alphabetic top level", "a@1.2.3.com");
        Valid("hyphen inside a label", "a@ex-ample.com");
        Valid("two hyphens inside a label", "a@ex--ample.com");
        Valid("A-label domain", "a@xn--bcher-kva.de");
        Valid("top-level label mixing digits and letters", "a@example.c0m");
        Valid("top-level label starting with a digit", "a@example.1a");
        Valid("many labels", "a@a.b.c.d.e.f.g.h.example.com");

        // Sizes (RFC 5321 4.5.3.1; RFC 3696 erratum 1690: 254 octets overall).
        string domain189 = $"{Label63}.{Label63}.{new string('a', 61)}";
        Valid("local part of 64 octets", Label64 + "@example.com");
        Invalid("local part of 65 octets", new string('a', 65) + "@example.com", LocalPartTooLong);
        Valid("label of 63 octets", $"a@{Label63}.com");
        Invalid("label of 64 octets", $"a@{Label64}.com", DomainLabelTooLong);
        Invalid("top-level label of 64 octets", $"a@example.{Label64}", DomainLabelTooLong);
        Valid("domain of 252 octets, the most a one-octet local part leaves", $"a@{Label63}.{Label63}.{Label63}.{new string('a', 60)}");
        Invalid("domain of 253 octets, which needs a 256-octet address", $"a@{Label63}.{Label63}.{Label63}.{new string('a', 61)}", AddressTooLong);
        Invalid("domain of 254 octets", $"a@{Label63}.{Label63}.{Label63}.{new string('a', 62)}", AddressTooLong);
        Valid("address of 254 octets", $"{Label64}@{domain189}");
        Invalid("address of 255 octets", $"{Label64}@{domain189}a", AddressTooLong);
        Invalid("address of 10000 characters", new string('a', 9990) + "@example.com", AddressTooLong);

        // Structure.
        Invalid("empty entry", string.Empty, Empty);
        Invalid("no at sign", "plainaddress", MissingAt);
        Invalid("no at sign with a dot", "john.doe.example.com", MissingAt);
        Invalid("lone at sign", "@", EmptyLocalPart);
        Invalid("nothing before the at sign", "@example.com", EmptyLocalPart);
        Invalid("nothing after the at sign", "john@", EmptyDomain);
        Invalid("two at signs", "a@b@example.com", InvalidLocalPartCharacter);
        Invalid("source route of RFC 5321 A-d-l", "@relay.example:john@example.com", InvalidLocalPartCharacter);

        // Dots in the local part (RFC 5322 3.2.3, RFC 3696 3).
        Invalid("leading dot", ".john@example.com", LocalPartStartsWithDot);
        Invalid("trailing dot", "john.@example.com", LocalPartEndsWithDot);
        Invalid("two dots in a row", "john..doe@example.com", ConsecutiveDots);
        Invalid("local part of a single dot", ".@example.com", LocalPartStartsWithDot);
        Invalid("leading dot found before two dots", ".a..b@example.com", LocalPartStartsWithDot);
        Invalid("two dots found before a trailing dot", "a..@example.com", ConsecutiveDots);
        Invalid("obsolete quoted word between dots", "john.\"doe\"@example.com", InvalidLocalPartCharacter);
        Invalid("obsolete spaces around a dot", "john . doe@example.com", WhitespaceOrControlCharacter);

        // Every ASCII punctuation character that is not atext, inside the local part.
        foreach ((char c, string name) in Punctuation)
        {
            if (AtextSpecials.Contains(c, StringComparison.Ordinal) || c == '.')
            {
                continue;
            }

            InvalidReason expected = c switch
            {
                ' ' => WhitespaceOrControlCharacter,
                '(' => CommentNotAllowed,
                '<' or '>' => DisplayNameNotAllowed,
                _ => InvalidLocalPartCharacter,
            };
            Invalid($"{name} inside the local part", $"a{c}b@example.com", expected);
        }

        // Every ASCII punctuation character inside a domain label.
        foreach ((char c, string name) in Punctuation)
        {
            if (c is '-' or '.')
            {
                continue;
            }

            InvalidReason expected = c switch
            {
                ' ' => WhitespaceOrControlCharacter,
                '(' => CommentNotAllowed,
                '<' or '>' => DisplayNameNotAllowed,
                '@' => InvalidLocalPartCharacter,
                _ => InvalidDomainCharacter,
            };
            Invalid($"{name} inside a domain label", $"a@exa{c}mple.com", expected);
        }

        // Hyphens, labels and the top level (RFC 1123 2.1, RFC 3696 2).
        Invalid("domain starting with a dot", "a@.example.com", EmptyDomainLabel);
        Invalid("two dots in the domain", "a@example..com", EmptyDomainLabel);
        Invalid("domain ending with a dot", "a@example.com.", EmptyDomainLabel);
        Invalid("domain of a single dot", "a@.", EmptyDomainLabel);
        Invalid("label starting with a hyphen", "a@-example.com", DomainLabelHyphen);
        Invalid("label ending with a hyphen", "a@example-.com", DomainLabelHyphen);
        Invalid("top-level label starting with a hyphen", "a@example.-com", DomainLabelHyphen);
        Invalid("top-level label ending with a hyphen", "a@example.com-", DomainLabelHyphen);
        Invalid("label of a single hyphen", "a@-.com", DomainLabelHyphen);
        Invalid("single-label domain", "john@localhost", SingleLabelDomain);
        Invalid("all-digit top-level label", "a@example.123", NumericTopLevelDomain);
        Invalid("IPv4 address without brackets", "a@192.0.2.1", NumericTopLevelDomain);
        Invalid("single all-digit label", "a@123", SingleLabelDomain);
        Invalid("hyphen found before an invalid character in a later label", "a@-b.c!d.com", DomainLabelHyphen);
        Invalid("empty label found before an invalid character", "a@b..c!d", EmptyDomainLabel);
        Invalid("invalid character found before an empty label", "a@b!c..d", InvalidDomainCharacter);
        Invalid("square bracket inside a host name", "a@example.[192.0.2.1]", InvalidDomainCharacter);

        // Local parts and domains longer than 16 characters, which take the vectorized searches.
        Valid("long local part and long domain", "first.middle.last-name@mail.subdomain.example.com");
        Invalid("two dots in a long local part", "first.middle..last-name@example.com", ConsecutiveDots);
        Invalid("leading dot in a long local part", ".first.middle.lastname@example.com", LocalPartStartsWithDot);
        Invalid("trailing dot in a long local part", "first.middle.lastname.@example.com", LocalPartEndsWithDot);
        Invalid("at sign in a long local part", "first.middle@lastname@example.com", InvalidLocalPartCharacter);
        Invalid("at sign found before two dots in a long local part", "first@middle..lastname@example.com", InvalidLocalPartCharacter);
        Invalid("long domain starting with a dot", "a@.mail.subdomain.example.com", EmptyDomainLabel);
        Invalid("two dots in a long domain", "a@mail.subdomain..example.com", EmptyDomainLabel);
        Invalid("long domain ending with a dot", "a@mail.subdomain.example.com.", EmptyDomainLabel);
        Invalid("hyphen at the end of a middle label of a long domain", "a@mail.subdomain-.example.com", DomainLabelHyphen);
        Invalid("hyphen at the start of the top level of a long domain", "a@mail.subdomain.example.-com", DomainLabelHyphen);
        Invalid("all-digit top level of a long domain", "a@mail.subdomain.example.2024", NumericTopLevelDomain);
        Invalid("low line in a long domain", "a@mail.sub_domain.example.com", InvalidDomainCharacter);
        Invalid("long single-label domain", "john@intranet-mail-server", SingleLabelDomain);
        Valid("long single-label domain", "john@intranet-mail-server", SingleLabel);
        Invalid("long single all-digit label", "john@12345678901234567", NumericTopLevelDomain, SingleLabel);

        // Whitespace and control characters: never trimmed, never allowed (RFC 5321 has no folding white space).
        Invalid("space inside", "john doe@example.com", WhitespaceOrControlCharacter);
        Invalid("leading space", " john@example.com", WhitespaceOrControlCharacter);
        Invalid("trailing space", "john@example.com ", WhitespaceOrControlCharacter);
        Invalid("tab", "john\t@example.com", WhitespaceOrControlCharacter);
        Invalid("carriage return", "john\r@example.com", WhitespaceOrControlCharacter);
        Invalid("line feed", "john@example.com\n", WhitespaceOrControlCharacter);
        Invalid("folded line", "john@example.com\r\n ", WhitespaceOrControlCharacter);
        Invalid("NUL", "jo\0hn@example.com", WhitespaceOrControlCharacter);
        Invalid("vertical tab", "john@exa\vmple.com", WhitespaceOrControlCharacter);
        Invalid("form feed", "john@example.com\f", WhitespaceOrControlCharacter);
        Invalid("escape control", "jo\u001Bhn@example.com", WhitespaceOrControlCharacter);
        Invalid("delete control", "john\u007F@example.com", WhitespaceOrControlCharacter);
        Invalid("no-break space U+00A0", "john\u00A0doe@example.com", WhitespaceOrControlCharacter);
        Invalid("em space U+2003", "john\u2003doe@example.com", WhitespaceOrControlCharacter);
        Invalid("ideographic space U+3000", "john@example\u3000.com", WhitespaceOrControlCharacter);
        Invalid("line separator U+2028", "john\u2028@example.com", WhitespaceOrControlCharacter);
        Invalid("next line control U+0085", "john\u0085@example.com", WhitespaceOrControlCharacter);
        Invalid("space in the domain", "john@exa mple.com", WhitespaceOrControlCharacter);
        Invalid("obsolete spaces around a domain dot", "john@example . com", WhitespaceOrControlCharacter);
        Invalid("no-break space U+00A0", "john\u00A0doe@example.com", WhitespaceOrControlCharacter, International);
        Invalid("em space U+2003", "john\u2003doe@example.com", WhitespaceOrControlCharacter, International);
        Invalid("next line control U+0085", "john\u0085@example.com", WhitespaceOrControlCharacter, International);
        Invalid("tab", "john\t@example.com", WhitespaceOrControlCharacter, Quoted);

        // Comments and display names (RFC 5322 3.2.2 and 3.4), which the parser removes before validation.
        Invalid("comment after the local part", "john(comment)@example.com", CommentNotAllowed);
        Invalid("comment before the local part", "(comment)john@example.com", CommentNotAllowed);
        Invalid("comment after the domain", "john@example.com(comment)", CommentNotAllowed);
        Invalid("comment before the domain", "john@(comment)example.com", CommentNotAllowed);
        Invalid("comment with a space", "john@example.com (Work)", CommentNotAllowed);
        Invalid("display name and angle brackets", "Jane Doe <jane@example.com>", DisplayNameNotAllowed);
        Invalid("quoted display name and angle brackets", "\"Jane Doe\" <jane@example.com>", DisplayNameNotAllowed);
        Invalid("angle brackets alone", "<jane@example.com>", DisplayNameNotAllowed);
        Invalid("closing angle bracket alone", "jane@example.com>", DisplayNameNotAllowed);
        Invalid("display name found before a comment", "(Jane) <jane@example.com>", DisplayNameNotAllowed);
        Invalid("display name and angle brackets", "Jane Doe <jane@example.com>", DisplayNameNotAllowed, Quoted);

        // Reasons found before others.
        Invalid("whitespace found before a missing at sign", "john doe", WhitespaceOrControlCharacter);
        Invalid("whitespace found before a non-ASCII character", "jos\u00E9 doe@example.com", WhitespaceOrControlCharacter);
        Invalid("size found before whitespace and a missing at sign", new string(' ', 255), AddressTooLong);
        Invalid("local part size found before an invalid character", new string(',', 65) + "@example.com", LocalPartTooLong);
        Invalid("local part found before the domain", ".a@-b.com", LocalPartStartsWithDot);
        Invalid("control character found before a display name", "Jane\t<jane@example.com>", WhitespaceOrControlCharacter);
        Invalid("quoted local part found before a domain literal", "\"a\"@[192.0.2.1]", QuotedLocalPartNotAllowed);
        Invalid("non-ASCII character found before a quoted local part", "\"jos\u00E9\"@example.com", NonAsciiNotAllowed);

        // Quoted local parts (RFC 5321 4.1.2), off by default.
        Invalid("quoted local part", "\"john\"@example.com", QuotedLocalPartNotAllowed);
        Invalid("quoted local part with a space", "\"john doe\"@example.com", QuotedLocalPartNotAllowed);
        Invalid("quoted local part with an at sign", "\"a@b\"@example.com", QuotedLocalPartNotAllowed);
        Invalid("unterminated quoted local part", "\"john@example.com", QuotedLocalPartNotAllowed);
        Valid("quoted local part", "\"john\"@example.com", Quoted);
        Valid("quoted local part with a space", "\"john doe\"@example.com", Quoted);
        Valid("quoted local part of a space", "\" \"@example.com", Quoted);
        Valid("empty quoted local part", "\"\"@example.com", Quoted);
        Valid("quoted local part with two dots", "\"john..doe\"@example.com", Quoted);
        Valid("quoted local part with a leading dot", "\".john\"@example.com", Quoted);
        Valid("quoted local part with a trailing dot", "\"john.\"@example.com", Quoted);
        Valid("quoted local part with an at sign", "\"a@b\"@example.com", Quoted);
        Valid("quoted local part with a comma", "\"a,b\"@example.com", Quoted);
        Valid("quoted local part with parentheses", "\"(comment)\"@example.com", Quoted);
        Valid("quoted local part with angle brackets", "\"<a>\"@example.com", Quoted);
        Valid("quoted local part with square brackets", "\"[a]\"@example.com", Quoted);
        Valid("quoted local part with an escaped quotation mark", "\"a\\\"b\"@example.com", Quoted);
        Valid("quoted local part with an escaped reverse solidus", "\"a\\\\b\"@example.com", Quoted);
        Valid("quoted local part with an escaped letter", "\"\\a\"@example.com", Quoted);
        Valid("quoted local part with an escaped space", "\"\\ \"@example.com", Quoted);
        Valid("RFC 3696 escaped at sign example", "\"Abc\\@def\"@example.com", Quoted);
        Valid("RFC 3696 quoted at sign example", "\"Abc@def\"@example.com", Quoted);
        Valid("RFC 3696 quoted space example", "\"Fred Bloggs\"@example.com", Quoted);
        Valid("RFC 3696 escaped reverse solidus example", "\"Joe\\\\Blow\"@example.com", Quoted);
        Valid("very unusual quoted local part", "\"very.(),:;<>[]\\\".VERY.\\\"very@\\\\ \\\"very\\\".unusual\"@strange.example.com", Quoted);
        Valid("dot-atom local part", "john.doe@example.com", Quoted);
        Valid("quoted local part of 64 octets with its quotes", $"\"{new string('a', 62)}\"@example.com", Quoted);
        Invalid("quoted local part of 65 octets with its quotes", $"\"{new string('a', 63)}\"@example.com", LocalPartTooLong, Quoted);
        Invalid("unterminated quoted local part", "\"john@example.com", InvalidQuotedLocalPart, Quoted);
        Invalid("escaped closing quotation mark", "\"john\\\"@example.com", InvalidQuotedLocalPart, Quoted);
        Invalid("text after the closing quotation mark", "\"john\"doe@example.com", InvalidQuotedLocalPart, Quoted);
        Invalid("obsolete quoted word and atom", "\"john\".doe@example.com", InvalidQuotedLocalPart, Quoted);
        Invalid("quoted string with no domain part", "\"john\"", MissingAt, Quoted);
        Invalid("quoted string and an at sign only", "\"john\"@", EmptyDomain, Quoted);
        Invalid("tab inside quotes", "\"john\tdoe\"@example.com", WhitespaceOrControlCharacter, Quoted);
        Invalid("escaped carriage return inside quotes", "\"john\\\rdoe\"@example.com", WhitespaceOrControlCharacter, Quoted);
        Invalid("escaped NUL inside quotes", "\"\\\0\"@example.com", WhitespaceOrControlCharacter, Quoted);
        Invalid("space in the domain of a quoted address", "\"john doe\"@exa mple.com", WhitespaceOrControlCharacter, Quoted);
        Invalid("quotation mark inside an atom", "jo\"hn\"@example.com", InvalidLocalPartCharacter, Quoted);
        Invalid("quoted local part with a single-label domain", "\"john\"@localhost", SingleLabelDomain, Quoted);
        Invalid("non-ASCII inside quotes", "\"jos\u00E9\"@example.com", NonAsciiNotAllowed, Quoted);

        // Address literals (RFC 5321 4.1.3), off by default.
        Invalid("IPv4 literal", "john@[192.0.2.1]", DomainLiteralNotAllowed);
        Invalid("IPv6 literal", "john@[IPv6:2001:db8::1]", DomainLiteralNotAllowed);
        Invalid("general address literal", "john@[tag:content]", DomainLiteralNotAllowed);
        Valid("IPv4 literal", "john@[192.0.2.1]", Literal);
        Valid("IPv4 literal of zeros", "john@[0.0.0.0]", Literal);
        Valid("IPv4 literal of the largest parts", "john@[255.255.255.255]", Literal);
        Valid("IPv4 loopback literal", "john@[127.0.0.1]", Literal);
        Valid("compressed IPv6 literal", "john@[IPv6:2001:db8::1]", Literal);
        Valid("full IPv6 literal", "john@[IPv6:2001:0db8:0000:0000:0000:ff00:0042:8329]", Literal);
        Valid("IPv6 loopback literal", "john@[IPv6:::1]", Literal);
        Valid("IPv6 unspecified address literal", "john@[IPv6:::]", Literal);
        Valid("IPv6 literal ending in compression", "john@[IPv6:fe80::]", Literal);
        Valid("IPv6 literal of six groups and compression", "john@[IPv6:1:2:3:4:5:6::]", Literal);
        Valid("IPv6 literal with upper-case hex digits", "john@[IPv6:2001:DB8::ABCD]", Literal);
        Valid("IPv6 tag in lower case", "john@[ipv6:2001:db8::1]", Literal);
        Valid("IPv4-mapped IPv6 literal", "john@[IPv6:::ffff:192.0.2.1]", Literal);
        Valid("full IPv6 literal ending in IPv4", "john@[IPv6:1:2:3:4:5:6:192.0.2.1]", Literal);
        Valid("compressed IPv6 literal of four groups and IPv4", "john@[IPv6:1:2:3:4::192.0.2.1]", Literal);
        Valid("host name", "john@example.com", Literal);
        Invalid("IPv4 part above 255", "john@[256.0.0.1]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 literal of three parts", "john@[192.0.2]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 literal of five parts", "john@[192.0.2.1.5]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 part with a leading zero", "john@[192.0.02.1]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 part of four digits", "john@[1920.0.2.1]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 part with a letter", "john@[192.0.2.a]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 part with a sign", "john@[192.0.-2.1]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 literal ending with a dot", "john@[192.0.2.1.]", InvalidDomainLiteral, Literal);
        Invalid("empty literal", "john@[]", InvalidDomainLiteral, Literal);
        Invalid("unterminated literal", "john@[192.0.2.1", InvalidDomainLiteral, Literal);
        Invalid("text after the literal", "john@[192.0.2.1].com", InvalidDomainLiteral, Literal);
        Invalid("IPv6 address without its tag", "john@[2001:db8::1]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 tag", "john@[IPv4:192.0.2.1]", InvalidDomainLiteral, Literal);
        Invalid("general address literal", "john@[tag:content]", InvalidDomainLiteral, Literal);
        Invalid("general address literal with a standardized-looking tag", "john@[x400:c=us]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 tag alone", "john@[IPv6:]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 literal of nine groups", "john@[IPv6:1:2:3:4:5:6:7:8:9]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 literal of seven groups", "john@[IPv6:1:2:3:4:5:6:7]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 literal with two compressions", "john@[IPv6:1::2::3]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 group of five hex digits", "john@[IPv6:12345::1]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 group with a non-hex letter", "john@[IPv6:2001:db8::g]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 compression of a single group", "john@[IPv6:1:2:3:4:5:6:7::]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 literal starting with one colon", "john@[IPv6::1]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 literal ending with one colon", "john@[IPv6:1:2:3:4:5:6:7:]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 literal with three colons", "john@[IPv6:1:::2]", InvalidDomainLiteral, Literal);
        Invalid("compressed IPv6 literal of five groups and IPv4", "john@[IPv6:1:2:3:4:5::192.0.2.1]", InvalidDomainLiteral, Literal);
        Invalid("full IPv6 literal of seven groups and IPv4", "john@[IPv6:1:2:3:4:5:6:7:192.0.2.1]", InvalidDomainLiteral, Literal);
        Invalid("IPv4 in the middle of an IPv6 literal", "john@[IPv6:192.0.2.1::]", InvalidDomainLiteral, Literal);
        Invalid("IPv6 literal ending in a bad IPv4 address", "john@[IPv6:::ffff:256.0.2.1]", InvalidDomainLiteral, Literal);
        Invalid("space inside a literal", "john@[192.0.2.1 ]", WhitespaceOrControlCharacter, Literal);

        // International addresses (RFC 6531, RFC 5891), off by default.
        Invalid("accented local part", "jos\u00E9@example.com", NonAsciiNotAllowed);
        Invalid("internationalized domain", "john@b\u00FCcher.de", NonAsciiNotAllowed);
        Invalid("Chinese address", "\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A", NonAsciiNotAllowed);
        Valid("accented local part and domain", "jos\u00E9@b\u00FCcher.de", International);
        Valid("Chinese address", "\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A", International);
        Valid("Chinese address with an ideographic full stop", "\u7528\u6237@\u4F8B\u5B50\u3002\u5E7F\u544A", International);
        Valid("Greek address", "\u03B4\u03BF\u03BA\u03B9\u03BC\u03AE@\u03C0\u03B1\u03C1\u03AC\u03B4\u03B5\u03B9\u03B3\u03BC\u03B1.\u03B4\u03BF\u03BA\u03B9\u03BC\u03AE", International);
        Valid("Japanese address", "\u4E8C\u30CE\u5BAE@\u9ED2\u5DDD.\u65E5\u672C", International);
        Valid("Cyrillic address with a hyphen", "\u043C\u0435\u0434\u0432\u0435\u0434\u044C@\u0441-\u0431\u0430\u043B\u0430\u043B\u0430\u0439\u043A\u043E\u0439.\u0440\u0444", International);
        Valid("Devanagari address", "\u0938\u0902\u092A\u0930\u094D\u0915@\u0921\u093E\u091F\u093E\u092E\u0947\u0932.\u092D\u093E\u0930\u0924", International);
        Valid("accented local part", "jos\u00E9@example.com", International);
        Valid("internationalized domain", "john@b\u00FCcher.de", International);
        Valid("upper-case internationalized domain", "john@B\u00DCCHER.DE", International);
        Valid("local part outside the basic plane", "\U0001F600@example.com", International);
        Valid("ASCII address", "john.doe@example.com", International);
        Valid("valid A-label domain", "john@xn--bcher-kva.de", International);
        Valid("local part of 64 UTF-8 octets in 32 characters", new string('\u00E9', 32) + "@example.com", International);
        Invalid("local part of 66 UTF-8 octets in 33 characters", new string('\u00E9', 33) + "@example.com", LocalPartTooLong, International);
        Valid("address of 254 UTF-8 octets in 222 characters", new string('\u00E9', 32) + $"@{Label63}.{Label63}.{new string('a', 61)}", International);
        Invalid("address of 255 UTF-8 octets in 223 characters", new string('\u00E9', 32) + $"@{Label63}.{Label63}.{new string('a', 62)}", AddressTooLong, International);
        Invalid("address of 255 UTF-8 octets in 223 characters", new string('\u00E9', 32) + $"@{Label63}.{Label63}.{new string('a', 62)}", AddressTooLong);
        Invalid("address within 254 octets whose A-label form is longer", $"{Label64}@\u00FC.{Label63}.{Label63}.{new string('a', 57)}", AddressTooLong, International);
        Invalid("A-label longer than 63 octets", "john@" + new string('\u00FC', 60) + ".de", InvalidInternationalDomain, International);
        Invalid("two dots in an internationalized domain", "jos\u00E9@b\u00FCcher..de", EmptyDomainLabel, International);
        Invalid("internationalized label starting with a hyphen", "john@-b\u00FCcher.de", DomainLabelHyphen, International);
        Invalid("internationalized label ending with a hyphen", "john@b\u00FCcher-.de", DomainLabelHyphen, International);
        Invalid("low line in an internationalized domain", "john@b\u00FC_cher.de", InvalidDomainCharacter, International);
        Invalid("ASCII label of 64 octets in an internationalized domain", $"john@b\u00FCcher.{Label64}.de", DomainLabelTooLong, International);
        Invalid("private-use character in the domain", "john@\uE000.com", InvalidInternationalDomain, International);
        Invalid("label starting with a combining mark", "john@\u0300a.com", InvalidInternationalDomain, International);
        Invalid("zero width joiner out of context", "john@a\u200Db.com", InvalidInternationalDomain, International);
        Invalid("ideographic description character in the domain", "john@a\u2FF0b.com", InvalidInternationalDomain, International);
        Invalid("unassigned code point in the domain", "john@\u0378.com", InvalidInternationalDomain, International);
        Invalid("A-label that is not Punycode of a valid label", "john@xn--zz.de", InvalidInternationalDomain, International);
        Invalid("all-digit top level under an internationalized label", "john@\u00FC.123", NumericTopLevelDomain, International);
        Invalid("single internationalized label", "john@b\u00FCcher", SingleLabelDomain, International);
        Valid("single internationalized label", "john@b\u00FCcher", International | SingleLabel);
        Valid("non-ASCII inside quotes", "\"jos\u00E9 d\"@example.com", International | Quoted);
        Invalid("escaped non-ASCII inside quotes", "\"\\\u00E9\"@example.com", InvalidQuotedLocalPart, International | Quoted);
        Invalid("non-ASCII inside a literal", "john@[\u00FC]", InvalidDomainLiteral, International | Literal);

        // Text that is not well-formed UTF-16 (for bytes: not UTF-8).
        Invalid("unpaired high surrogate", "jo\uD800hn@example.com", InvalidEncoding);
        Invalid("unpaired low surrogate", "john@exa\uDC00mple.com", InvalidEncoding);
        Invalid("surrogates in the wrong order", "\uDC00\uD800@example.com", InvalidEncoding);
        Invalid("replacement character", "jo\uFFFDhn@example.com", InvalidEncoding);
        Invalid("unpaired high surrogate", "jo\uD800hn@example.com", InvalidEncoding, International);
        Invalid("replacement character", "jo\uFFFDhn@example.com", InvalidEncoding, International);
        Invalid("invalid encoding found before whitespace", "jo hn\uD800@example.com", InvalidEncoding);

        // Single-label domains, off by default.
        Valid("single-label domain", "john@localhost", SingleLabel);
        Valid("single one-letter label", "a@b", SingleLabel);
        Valid("two labels", "john@example.com", SingleLabel);
        Invalid("single all-digit label", "john@123", NumericTopLevelDomain, SingleLabel);
        Invalid("single label starting with a hyphen", "john@-localhost", DomainLabelHyphen, SingleLabel);
        Invalid("single label with a low line", "john@local_host", InvalidDomainCharacter, SingleLabel);
        Invalid("single label ending with a dot", "john@localhost.", EmptyDomainLabel, SingleLabel);
        Invalid("single label of 64 octets", "john@" + Label64, DomainLabelTooLong, SingleLabel);
        Invalid("nothing after the at sign", "john@", EmptyDomain, SingleLabel);

        return [.. cases];
    }

    private static string NameOf(char c) => Array.Find(Punctuation, p => p.Character == c).Name;
}
