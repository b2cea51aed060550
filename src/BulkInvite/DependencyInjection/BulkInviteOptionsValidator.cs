using BulkInvite.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.DependencyInjection;

/// <summary>Checks <see cref="BulkInviteOptions"/> at start-up; every message names the setting.</summary>
internal sealed class BulkInviteOptionsValidator(IServiceProviderIsService? isService = null) : IValidateOptions<BulkInviteOptions>
{
    public ValidateOptionsResult Validate(string? name, BulkInviteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Prefix = "BulkInvite:";

        void Range(string setting, long value, long min, long max)
        {
            if (value < min || value > max)
            {
                failures.Add($"{Prefix}{setting} is {value}; it must be between {min} and {max}.");
            }
        }

        Range(nameof(options.MaxFileBytes), options.MaxFileBytes, 1, long.MaxValue);
        Range(nameof(options.MaxEntries), options.MaxEntries, 1, int.MaxValue);
        Range(nameof(options.ExistenceCheckBatchSize), options.ExistenceCheckBatchSize, 1, 10_000);
        Range(nameof(options.MaxParallelSends), options.MaxParallelSends, 1, 256);
        Range(nameof(options.StagingBatchSize), options.StagingBatchSize, 1, 100_000);
        if (options.ProgressInterval < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.ProgressInterval)} is {options.ProgressInterval}; it must not be negative.");
        }

        if (options.RepeatUploadWindow < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.RepeatUploadWindow)} is {options.RepeatUploadWindow}; it must not be negative (zero turns the check off).");
        }

        if (options.ResumeAfterInactivity < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.ResumeAfterInactivity)} is {options.ResumeAfterInactivity}; it must not be negative.");
        }

        if (options.StopGracePeriod < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.StopGracePeriod)} is {options.StopGracePeriod}; it must not be negative.");
        }

        if (!Enum.IsDefined(options.InFlightAfterCrash))
        {
            failures.Add($"{Prefix}{nameof(options.InFlightAfterCrash)} is {options.InFlightAfterCrash}; it must be Resend or MarkUnknown.");
        }

        if (!Enum.IsDefined(options.OverLimitBehavior))
        {
            failures.Add($"{Prefix}{nameof(options.OverLimitBehavior)} is {options.OverLimitBehavior}; it must be Reject or SkipExcess.");
        }

        if (!Enum.IsDefined(options.DuplicateComparison))
        {
            failures.Add($"{Prefix}{nameof(options.DuplicateComparison)} is {options.DuplicateComparison}; it must be IgnoreCase or CaseSensitiveLocalPart.");
        }

        if (options.Validation is null)
        {
            failures.Add($"{Prefix}{nameof(options.Validation)} must not be null.");
        }

        if (options.Parsing is null)
        {
            failures.Add($"{Prefix}{nameof(options.Parsing)} must not be null.");
        }
        else
        {
            Range("Parsing:" + nameof(InviteParserOptions.MaxEntryLength), options.Parsing.MaxEntryLength, 256, 1_000_000);
            Range("Parsing:" + nameof(InviteParserOptions.MaxFieldLength), options.Parsing.MaxFieldLength, 16, 10_000_000);
            Range("Parsing:" + nameof(InviteParserOptions.MaxColumns), options.Parsing.MaxColumns, 1, 10_000);
        }

        if (!options.AllowMissingUserExistenceCheck && isService is not null && !isService.IsService(typeof(IUserExistenceCheck)))
        {
            failures.Add(BulkInviteService.NoExistenceCheckMessage);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
