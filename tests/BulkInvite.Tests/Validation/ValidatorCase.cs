using System.Globalization;
using System.Text;

namespace BulkInvite.Tests.Validation;

/// <summary>One row of the validator table: an address, the options in force and the expected reason.</summary>
/// <param name="Description">What the case shows, in words.</param>
/// <param name="Address">The address.</param>
/// <param name="Options">The options.</param>
/// <param name="Expected">The expected reason; <see cref="InvalidReason.None"/> for a valid address.</param>
internal sealed record ValidatorCase(string Description, string Address, ValidatorOptions Options, InvalidReason Expected)
{
    /// <summary>A readable, unique test name (no braces or dots, which NUnit and test filters treat specially).</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Description}, {OptionsText}, gives {Expected}");

    private string OptionsText => Options == ValidatorOptions.Default
        ? "default options"
        : Options.ToString().Replace(", ", " and ", StringComparison.Ordinal) + " allowed";

    public EmailValidator CreateValidator() => new(new EmailValidationOptions
    {
        AllowQuotedLocalPart = Options.HasFlag(ValidatorOptions.Quoted),
        AllowDomainLiteral = Options.HasFlag(ValidatorOptions.Literal),
        AllowInternational = Options.HasFlag(ValidatorOptions.International),
        AllowSingleLabelDomain = Options.HasFlag(ValidatorOptions.SingleLabel),
    });

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(Address);

    public override string ToString() => Name;
}
