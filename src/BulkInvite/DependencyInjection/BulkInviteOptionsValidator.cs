using BulkInvite.Invitations;
using BulkInvite.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.DependencyInjection;

/// <summary>Checks <see cref="BulkInviteOptions"/> at start-up; every message names the setting.</summary>
internal sealed class BulkInviteOptionsValidator(IServiceProviderIsService? isService = null, IServiceProvider? services = null) : IValidateOptions<BulkInviteOptions>
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

        if (options.InvitationLifetime < TimeSpan.FromMinutes(1) || options.InvitationLifetime > TimeSpan.FromDays(365))
        {
            failures.Add($"{Prefix}{nameof(options.InvitationLifetime)} is {options.InvitationLifetime}; it must be between 1 minute and 365 days.");
        }

        ValidateTokenKeys(options, failures);

        if (!options.AllowMissingUserExistenceCheck && isService is not null && !isService.IsService(typeof(IUserExistenceCheck)))
        {
            failures.Add(BulkInviteService.NoExistenceCheckMessage);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateTokenKeys(BulkInviteOptions options, List<string> failures)
    {
        const string Setting = "BulkInvite:" + nameof(BulkInviteOptions.InvitationTokenKeys);
        var keys = options.InvitationTokenKeys;
        if (keys.Count == 0)
        {
            // Only the in-memory store may do without: its random key dies with the invitations it verifies.
            IInviteHistoryStore? store;
            try
            {
                store = services?.GetService<IInviteHistoryStore>();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // A store that cannot be built from its settings: its own validation names them.
                return;
            }

            if (store is not null && InvitationTokens.NeedsConfiguredKey(store))
            {
                failures.Add(InvitationTokens.NoKeyMessage);
            }

            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var at = $"{Setting}:{i}";
            if (key is null)
            {
                failures.Add($"{at} is empty; every key needs an Id and a Key.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(key.Id))
            {
                failures.Add($"{at}:Id is empty; every key needs an id, stored with the hashes it makes.");
            }
            else if (!ids.Add(key.Id))
            {
                failures.Add($"{at}:Id '{key.Id}' is used by an earlier key; ids must be unique.");
            }

            byte[]? bytes = null;
            try
            {
                bytes = Convert.FromBase64String(key.Key ?? string.Empty);
            }
            catch (FormatException)
            {
                failures.Add($"{at}:Key is not base64.");
                continue;
            }

            if (bytes.Length < 32)
            {
                failures.Add($"{at}:Key is {bytes.Length} bytes; it must be at least 32 (for example from `openssl rand -base64 32`).");
            }
        }
    }
}
