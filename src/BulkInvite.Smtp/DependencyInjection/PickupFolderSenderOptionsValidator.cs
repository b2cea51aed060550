using Microsoft.Extensions.Options;

namespace BulkInvite.Smtp.DependencyInjection;

/// <summary>Checks <see cref="PickupFolderSenderOptions"/> at start-up; each failure names its setting.</summary>
internal sealed class PickupFolderSenderOptionsValidator : IValidateOptions<PickupFolderSenderOptions>
{
    public ValidateOptionsResult Validate(string? name, PickupFolderSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = InvitationMessageOptionsValidator.Prefix("Pickup", name);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            failures.Add($"{prefix}Directory is required (the folder the .eml files are written to).");
        }
        else if (options.Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{prefix}Directory '{options.Directory}' is not a valid path.");
        }

        InvitationMessageOptionsValidator.Validate(options.Message, prefix, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
