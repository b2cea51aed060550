using Microsoft.Extensions.Options;

namespace BulkInvite.DependencyInjection;

/// <summary>Checks <see cref="BackgroundImportOptions"/> at start-up; every message names the setting.</summary>
internal sealed class BackgroundImportOptionsValidator : IValidateOptions<BackgroundImportOptions>
{
    private const string Prefix = "BulkInvite:Background:";

    public ValidateOptionsResult Validate(string? name, BackgroundImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        void Range(string setting, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                failures.Add($"{Prefix}{setting} is {value}; it must be between {min} and {max}.");
            }
        }

        void Between(string setting, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                failures.Add($"{Prefix}{setting} is {value}; it must be between {min} and {max}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.InstanceName) || options.InstanceName.Length > 200)
        {
            failures.Add($"{Prefix}{nameof(options.InstanceName)} must be a name of 1 to 200 characters, shown as the owner of the imports this instance runs.");
        }

        Range(nameof(options.MaxQueuedImports), options.MaxQueuedImports, 1, 100_000);
        Range(nameof(options.MaxConcurrentImports), options.MaxConcurrentImports, 0, 64);
        Range(nameof(options.MaxAttempts), options.MaxAttempts, 1, 1000);
        if (options.PartSize != 0)
        {
            Range(nameof(options.PartSize), options.PartSize, 100, 10_000_000);
        }

        Between(nameof(options.LeaseDuration), options.LeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Between(nameof(options.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
