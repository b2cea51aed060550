using System.Text;
using System.Text.Encodings.Web;
using BulkInvite.Smtp.Composition;

namespace BulkInvite.Smtp.Tests.Composition;

[TestFixture]
public sealed class InvitationTemplateTests
{
    private static readonly TemplateValues Values = new(
        "jane@example.com",
        "Jane Doe",
        "Ada Admin",
        "Contoso",
        "https://app.example.org/accept?x=1",
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["first_name"] = "Jane", ["team"] = "Blue" });

    private string _directory = string.Empty;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "bulkinvite-template-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCase("{{email}}", "jane@example.com")]
    [TestCase("{{display_name}}", "Jane Doe")]
    [TestCase("{{inviter_name}}", "Ada Admin")]
    [TestCase("{{account_name}}", "Contoso")]
    [TestCase("{{accept_link}}", "https://app.example.org/accept?x=1")]
    [TestCase("{{field:first_name}}", "Jane")]
    public void Each_placeholder_renders_its_value(string template, string expected)
    {
        Assert.That(Render(template), Is.EqualTo(expected));
    }

    [TestCase("{{EMAIL}}")]
    [TestCase("{{ email }}")]
    [TestCase("{{\temail\t}}")]
    [TestCase("{{ Email}}")]
    public void Placeholder_names_ignore_case_and_surrounding_whitespace(string template)
    {
        Assert.That(Render($"<{template}>"), Is.EqualTo("<jane@example.com>"));
    }

    [Test]
    public void Field_names_ignore_case_and_whitespace_after_the_prefix()
    {
        Assert.That(Render("{{ FIELD: First_Name }} of {{field:team}}"), Is.EqualTo("Jane of Blue"));
    }

    [Test]
    public void Literal_text_between_placeholders_is_kept_exactly()
    {
        Assert.That(
            Render("Hi {{display_name}},\r\n{{inviter_name}} says } and { and }} stay.\n"),
            Is.EqualTo("Hi Jane Doe,\r\nAda Admin says } and { and }} stay.\n"));
    }

    [Test]
    public void Four_opening_braces_write_two_literal_braces()
    {
        Assert.That(Render("{{{{email}} is {{email}}"), Is.EqualTo("{{email}} is jane@example.com"));
    }

    [Test]
    public void The_html_encoder_applies_to_values_and_not_to_literal_markup()
    {
        var template = CompiledTemplate.Parse("<b>{{display_name}}</b>", "html");
        var values = new TemplateValues("a@example.com", "<script>alert('x')</script> & \"q\"", "", "", "", null);
        var builder = new StringBuilder();

        template.Render(builder, values, HtmlEncoder.Default);

        Assert.That(builder.ToString(), Is.EqualTo("<b>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;</b>"));
    }

    [Test]
    public void Placeholders_lists_each_name_once_in_order_of_first_use()
    {
        var template = InvitationTemplate.FromStrings(
            "{{account_name}} {{ACCOUNT_NAME}}",
            "{{email}} {{field:First_Name}} {{accept_link}}",
            "{{email}} {{field:first_name}} {{inviter_name}}");

        Assert.That(template.Placeholders, Is.EqualTo(new[] { "account_name", "email", "field:First_Name", "accept_link", "inviter_name" }));
    }

    [Test]
    public void A_template_without_placeholders_lists_none()
    {
        var template = InvitationTemplate.FromStrings("Welcome", "Hello there");

        Assert.That(template.Placeholders, Is.Empty);
        Assert.That(template.HtmlBody, Is.Null);
    }

    [TestCase("subject")]
    [TestCase("text")]
    [TestCase("html")]
    public void An_unknown_placeholder_fails_naming_the_part_and_the_placeholder(string part)
    {
        var exception = Assert.Throws<InvitationTemplateException>(() => FromPart(part, "Hi {{ first_name }}!"));

        Assert.That(exception.Part, Is.EqualTo(part));
        Assert.That(exception.Placeholder, Is.EqualTo("{{ first_name }}"));
        Assert.That(exception.Message, Does.Contain("{{ first_name }}"));
    }

    [Test]
    public void The_error_message_lists_the_known_placeholders()
    {
        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromStrings("{{name}}", "body"));

        var message = exception.Message;
        foreach (var known in new[] { "{{email}}", "{{display_name}}", "{{inviter_name}}", "{{account_name}}", "{{accept_link}}", "{{expires_at}}", "{{field:NAME}}" })
        {
            Assert.That(message, Does.Contain(known));
        }

        Assert.That(message, Does.Contain("subject"));
    }

    [TestCase("{{}}")]
    [TestCase("{{   }}")]
    public void An_empty_placeholder_fails(string placeholder)
    {
        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromStrings("Subject", $"Hello {placeholder} there"));

        Assert.That(exception.Part, Is.EqualTo("text"));
        Assert.That(exception.Placeholder, Is.EqualTo(placeholder));
        Assert.That(exception.Message, Does.Contain("empty"));
    }

    [TestCase("{{field:}}")]
    [TestCase("{{ field: }}")]
    public void A_field_placeholder_without_a_name_fails(string placeholder)
    {
        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromStrings("Subject", "Body", $"<p>{placeholder}</p>"));

        Assert.That(exception.Part, Is.EqualTo("html"));
        Assert.That(exception.Placeholder, Is.EqualTo(placeholder));
    }

    [TestCase("Hello {{email", "{{email")]
    [TestCase("Hello {{email\nBye}}", "{{email")]
    [TestCase("Hello {{email {{display_name}}", "{{email ")]
    [TestCase("Hello {{email}", "{{email}")]
    public void An_unterminated_placeholder_fails_naming_the_part_and_what_was_written(string text, string placeholder)
    {
        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromStrings("Subject", text));

        Assert.That(exception.Part, Is.EqualTo("text"));
        Assert.That(exception.Placeholder, Is.EqualTo(placeholder));
        Assert.That(exception.Message, Does.Contain("not closed"));
    }

    [Test]
    public void Three_opening_braces_are_an_unknown_placeholder_rather_than_a_silent_surprise()
    {
        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromStrings("{{{email}}}", "body"));

        Assert.That(exception.Placeholder, Is.EqualTo("{{{email}}"));
    }

    [Test]
    public void A_line_break_inside_the_subject_fails()
    {
        Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromStrings("Hello\r\nBcc: x@example.com", "body"));
    }

    [Test]
    public void Line_breaks_at_the_end_of_the_subject_are_removed()
    {
        Assert.That(InvitationTemplate.FromStrings("Hello {{email}}\r\n", "body").Subject, Is.EqualTo("Hello {{email}}"));
    }

    [Test]
    public void The_default_template_has_a_subject_a_text_body_and_an_html_body()
    {
        var template = InvitationTemplate.Default;

        Assert.That(template.Subject, Is.EqualTo("You're invited to join {{account_name}}"));
        Assert.That(template.HtmlBody, Is.Not.Null);
        Assert.That(template.Placeholders, Is.EquivalentTo(new[] { "account_name", "inviter_name", "accept_link", "expires_at", "email" }));
        Assert.That(InvitationTemplate.Default, Is.SameAs(template));
    }

    [Test]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => InvitationTemplate.FromStrings(null!, "body"));
        Assert.Throws<ArgumentNullException>(() => InvitationTemplate.FromStrings("subject", null!));
        Assert.Throws<ArgumentNullException>(() => InvitationTemplate.FromDirectory(null!));
        Assert.Throws<ArgumentException>(() => InvitationTemplate.FromDirectory(" "));
    }

    [Test]
    public void A_directory_with_subject_text_and_html_loads_all_three()
    {
        File.WriteAllText(Path.Combine(_directory, "subject.txt"), "Join {{account_name}}\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        File.WriteAllText(Path.Combine(_directory, "body.txt"), "Hi {{display_name}}, join at {{accept_link}}\n");
        File.WriteAllText(Path.Combine(_directory, "body.html"), "<p>Hi {{display_name}} – café</p>");

        var template = InvitationTemplate.FromDirectory(_directory);

        Assert.That(template.Subject, Is.EqualTo("Join {{account_name}}"));
        Assert.That(template.TextBody, Is.EqualTo("Hi {{display_name}}, join at {{accept_link}}\n"));
        Assert.That(template.HtmlBody, Is.EqualTo("<p>Hi {{display_name}} – café</p>"));
        Assert.That(template.Placeholders, Is.EqualTo(new[] { "account_name", "display_name", "accept_link" }));
    }

    [Test]
    public void A_directory_without_html_loads_a_text_only_template()
    {
        File.WriteAllText(Path.Combine(_directory, "subject.txt"), "Join us\n");
        File.WriteAllText(Path.Combine(_directory, "body.txt"), "Hello {{email}}");

        var template = InvitationTemplate.FromDirectory(_directory);

        Assert.That(template.Subject, Is.EqualTo("Join us"));
        Assert.That(template.HtmlBody, Is.Null);
    }

    [TestCase("subject.txt")]
    [TestCase("body.txt")]
    public void A_missing_required_file_fails_naming_its_path(string missing)
    {
        foreach (var name in new[] { "subject.txt", "body.txt", "body.html" }.Where(n => n != missing))
        {
            File.WriteAllText(Path.Combine(_directory, name), "x");
        }

        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromDirectory(_directory));

        Assert.That(exception.Message, Does.Contain(Path.Combine(_directory, missing)));
        Assert.That(exception.Message, Does.Contain("missing"));
    }

    [Test]
    public void A_missing_directory_fails_naming_the_subject_file()
    {
        var missing = Path.Combine(_directory, "nowhere");

        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromDirectory(missing));

        Assert.That(exception.Message, Does.Contain(Path.Combine(missing, "subject.txt")));
    }

    [Test]
    public void A_placeholder_error_in_a_file_names_the_file_the_part_and_the_placeholder()
    {
        File.WriteAllText(Path.Combine(_directory, "subject.txt"), "Join");
        File.WriteAllText(Path.Combine(_directory, "body.txt"), "Hello");
        File.WriteAllText(Path.Combine(_directory, "body.html"), "<p>{{ invitee }}</p>");

        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromDirectory(_directory));

        Assert.That(exception.Part, Is.EqualTo("html"));
        Assert.That(exception.Placeholder, Is.EqualTo("{{ invitee }}"));
        Assert.That(exception.Message, Does.Contain(Path.Combine(_directory, "body.html")));
    }

    [Test]
    public void A_file_that_is_not_utf8_fails_naming_its_path()
    {
        File.WriteAllText(Path.Combine(_directory, "subject.txt"), "Join");
        File.WriteAllBytes(Path.Combine(_directory, "body.txt"), [0x48, 0x69, 0xFF, 0xFE, 0x00, 0xC3]);

        var exception = Assert.Throws<InvitationTemplateException>(() => InvitationTemplate.FromDirectory(_directory));

        Assert.That(exception.Message, Does.Contain(Path.Combine(_directory, "body.txt")));
    }

    private static string Render(string template)
    {
        var builder = new StringBuilder();
        CompiledTemplate.Parse(template, "text").Render(builder, Values, encoder: null);
        return builder.ToString();
    }

    private static InvitationTemplate FromPart(string part, string text) => part switch
    {
        "subject" => InvitationTemplate.FromStrings(text, "body", "<p>html</p>"),
        "text" => InvitationTemplate.FromStrings("subject", text, "<p>html</p>"),
        _ => InvitationTemplate.FromStrings("subject", "body", text),
    };
}
