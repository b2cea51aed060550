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

        if (string.IsNullOrWhiteSpace(options.SpoolDirectory))
        {
            failures.Add($"{Prefix}{nameof(options.SpoolDirectory)} is empty; give the folder uploads are kept in until their import has run.");
        }

        Range(nameof(options.MaxQueuedImports), options.MaxQueuedImports, 1, 100_000);
        Range(nameof(options.MaxConcurrentImports), options.MaxConcurrentImports, 1, 64);
        Range(nameof(options.MaxRetainedStates), options.MaxRetainedStates, 1, int.MaxValue);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
