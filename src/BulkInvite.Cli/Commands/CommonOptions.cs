using System.CommandLine;

namespace BulkInvite.Cli.Commands;

/// <summary>The validator switches shared by the commands.</summary>
internal sealed class ValidationSwitches
{
    public Option<bool> International { get; } = new("--allow-international") { Description = "Accept UTF-8 local parts and internationalized domain names." };

    public Option<bool> Quoted { get; } = new("--allow-quoted") { Description = "Accept quoted local parts such as \"john doe\"@example.com." };

    public Option<bool> Literal { get; } = new("--allow-literal") { Description = "Accept IP address literals such as user@[192.0.2.1]." };

    public Option<bool> SingleLabel { get; } = new("--allow-single-label") { Description = "Accept single-label domains such as user@localhost." };

    public void AddTo(Command command)
    {
        command.Options.Add(International);
        command.Options.Add(Quoted);
        command.Options.Add(Literal);
        command.Options.Add(SingleLabel);
    }

    public EmailValidationOptions Read(ParseResult result) => new()
    {
        AllowInternational = result.GetValue(International),
        AllowQuotedLocalPart = result.GetValue(Quoted),
        AllowDomainLiteral = result.GetValue(Literal),
        AllowSingleLabelDomain = result.GetValue(SingleLabel),
    };

    public static void Apply(EmailValidationOptions from, EmailValidationOptions to)
    {
        to.AllowInternational = from.AllowInternational;
        to.AllowQuotedLocalPart = from.AllowQuotedLocalPart;
        to.AllowDomainLiteral = from.AllowDomainLiteral;
        to.AllowSingleLabelDomain = from.AllowSingleLabelDomain;
    }
}
