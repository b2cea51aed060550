using System.CommandLine;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// What <c>invitations resend</c> and <c>invitations revoke</c> act on: one invitation (<c>ID</c>) or every open
/// invitation of one import (<c>--import ID</c>), of the tenant <c>--tenant</c>.
/// </summary>
internal sealed class InvitationTarget
{
    private readonly Argument<Guid?> _id = new("ID") { Description = "The invitation's id (see 'bulkinvite invitations list').", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<Guid?> _import = new("--import") { Description = "Every open invitation of this import instead (see 'bulkinvite history')." };

    public Option<string> Tenant { get; } = CreateTenantOption();

    /// <summary>
    /// Adds the <c>--tenant</c> switch to a command: the tool's own tenant unless a host's database is read; given, it
    /// must not be empty.
    /// </summary>
    public static Option<string> AddTenantOption(Command command) => AddTenantOption(command, CreateTenantOption());

    private static Option<string> CreateTenantOption() => new("--tenant")
    {
        Description = $"The tenant whose invitations to use (default: {CliHost.TenantId}, the tool's own).",
        DefaultValueFactory = _ => CliHost.TenantId,
    };

    private static Option<string> AddTenantOption(Command command, Option<string> tenant)
    {
        command.Options.Add(tenant);
        command.Validators.Add(result =>
        {
            if (result.GetResult(tenant) is { Implicit: false } given && string.IsNullOrWhiteSpace(given.GetValueOrDefault<string>()))
            {
                result.AddError("--tenant must not be empty.");
            }
        });
        return tenant;
    }

    public void AddTo(Command command)
    {
        command.Arguments.Add(_id);
        command.Options.Add(_import);
        AddTenantOption(command, Tenant);
        command.Validators.Add(result =>
        {
            var hasId = result.GetValue(_id) is not null;
            var hasImport = result.GetValue(_import) is not null;
            if (hasId == hasImport)
            {
                result.AddError(hasId
                    ? "Give either an invitation's ID or --import ID, not both."
                    : "Give an invitation's ID, or --import ID for every open invitation of an import.");
            }
        });
    }

    /// <summary>The invitation's id, or <see langword="null"/> when the command acts on an import.</summary>
    public Guid? InvitationId(ParseResult result) => result.GetValue(_id);

    /// <summary>The import's id, or <see langword="null"/> when the command acts on one invitation.</summary>
    public Guid? ImportId(ParseResult result) => result.GetValue(_import);
}
