using System.CommandLine;
using System.Globalization;
using BulkInvite.Cli.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Cli.Commands;

/// <summary>
/// <c>bulkinvite worker</c>: runs the imports queued in the history database (<c>bulkinvite enqueue</c>, or a host's
/// <see cref="IBulkInviteQueue"/>) through the SDK's <see cref="IImportWorker"/>, with the sender switches of
/// <c>send</c>, until SIGINT or SIGTERM (or, with <c>--exit-when-idle</c>, until nothing is left to run). Any number of
/// workers, on any machines, share one database: each import is run by one at a time under a lease, and taken over
/// when its worker stops.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(CliConsole console)
    {
        var store = new StoreOption(console);
        var senders = new SenderSwitches();
        var validation = new ValidationSwitches();
        var existingUsers = new Option<string?>("--existing-users")
        {
            Description = "A file of existing users' addresses (one a line, or CSV with an email column), read when the worker starts: they are reported as ExistingUser "
                + "and never invited, in every import this worker runs. A file with entries that are not addresses, or a binary one, stops the worker before it runs anything.",
        };
        var allowInvalid = ImportInputOptions.CreateAllowInvalidExistingUsersOption();
        var exitWhenIdle = new Option<bool>("--exit-when-idle")
        {
            Description = "Exit once nothing is left to run (none queued, none running on any worker; one whose worker stopped is taken over first) and print how many imports this worker ran.",
        };
        var concurrency = new Option<int?>("--concurrency") { Description = "How many imports this worker runs at once, 1 to 64 (default 1); each sends 4 invitations at a time." };
        var name = new Option<string?>("--name") { Description = "This worker's name, shown as the owner of the imports it runs ('history', 'report'); default HOST:PID." };
        var leaseDuration = new Option<double?>("--lease-duration")
        {
            Description = "Seconds a claim on an import holds unless renewed (1 to 3600, default 30): a worker that dies has its import taken over this long after its last renewal.",
        };
        var pollInterval = new Option<double?>("--poll-interval")
        {
            Description = "Seconds between looks for work when idle on SQLite (0.01 to 600, default 5); PostgreSQL wakes the worker at once.",
        };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Claims of one import before it is left to a person (1 to 1000, default 5): 'bulkinvite resume' then continues it." };
        var partSize = new Option<int?>("--part-size")
        {
            Description = "Pending entries in one part of an import that every worker sends at once (0, or 100 to 10,000,000; default 5,000): a bigger import is split into parts, "
                + "each claimed by any worker; 0 sends each import on one worker.",
        };
        var maxEntries = new Option<int?>("--max-entries") { Description = "The most entries a file may hold (default 1,000,000)." };
        var inFlight = new Option<InFlightAfterCrash>("--in-flight")
        {
            Description = "What to do, on taking over an import, with entries that were being sent when its worker stopped: Resend (the default) or MarkUnknown.",
            DefaultValueFactory = _ => InFlightAfterCrash.Resend,
        };
        var command = new Command(
            "worker",
            "Run the imports queued in the history database ('bulkinvite enqueue'), sending as 'send' does, until Ctrl+C or SIGTERM: the import being run is given back for the next worker, "
            + "and the exit code is 0. Workers sharing a database take over each other's imports when one stops.")
        {
            existingUsers, allowInvalid, exitWhenIdle, concurrency, name, leaseDuration, pollInterval, maxAttempts, partSize, maxEntries, inFlight,
        };
        store.AddTo(command);
        senders.AddTo(command);
        validation.AddTo(command);
        command.Validators.Add(result =>
        {
            void Range(Option<double?> option, double min, double max)
            {
                if (result.GetValue(option) is { } value && !(value >= min && value <= max))
                {
                    result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be between {min} and {max} seconds."));
                }
            }

            void Count(Option<int?> option, int min, int max)
            {
                if (result.GetValue(option) is { } value && (value < min || value > max))
                {
                    result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be between {min} and {max}."));
                }
            }

            Range(leaseDuration, 1, 3600);
            Range(pollInterval, 0.01, 600);
            Count(concurrency, 1, 64);
            Count(maxAttempts, 1, 1000);
            if (result.GetValue(partSize) is not (null or 0))
            {
                Count(partSize, 100, 10_000_000);
            }
            if (result.GetValue(name) is { } given && (string.IsNullOrWhiteSpace(given) || given.Length > 200))
            {
                result.AddError("--name must be a name of 1 to 200 characters.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var (addSender, error) = senders.Read(result, console);
            if (addSender is null)
            {
                await console.Error.WriteLineAsync("bulkinvite: " + error).ConfigureAwait(false);
                return CliApp.ExitError;
            }

            var directory = result.GetValue(existingUsers) is { } usersPath ? new FileUserDirectory(usersPath) : null;
            var switches = validation.Read(result);
            var entries = result.GetValue(maxEntries);
            var policy = result.GetValue(inFlight);
            void Configure(BulkInviteOptions o)
            {
                ValidationSwitches.Apply(switches, o.Validation);
                o.MaxEntries = entries ?? o.MaxEntries;
                o.InFlightAfterCrash = policy;
            }

            void Background(BackgroundImportOptions o)
            {
                o.MaxConcurrentImports = result.GetValue(concurrency) ?? o.MaxConcurrentImports;
                o.InstanceName = result.GetValue(name) ?? o.InstanceName;
                o.LeaseDuration = result.GetValue(leaseDuration) is { } lease ? TimeSpan.FromSeconds(lease) : o.LeaseDuration;
                o.PollInterval = result.GetValue(pollInterval) is { } poll ? TimeSpan.FromSeconds(poll) : o.PollInterval;
                o.MaxAttempts = result.GetValue(maxAttempts) ?? o.MaxAttempts;
                o.PartSize = result.GetValue(partSize) ?? o.PartSize;
            }

            using var log = new WorkerLog(console.Error, TimeProvider.System);
            void Register(IBulkInviteBuilder builder)
            {
                CliHost.AddUserDirectory(builder, directory);
                addSender(builder);
                CliHost.AddBackgroundImports(builder, Background, log);
            }

            var database = store.Read(result);
            return await CliHost.RunAsync(console, database, Configure, Register, async services =>
            {
                if (!await CliHost.LoadUserDirectoryAsync(console, services, directory, result.GetValue(allowInvalid), cancellationToken).ConfigureAwait(false))
                {
                    return CliApp.ExitError;
                }

                var options = services.GetRequiredService<IOptions<BackgroundImportOptions>>().Value;
                var worker = services.GetRequiredService<IImportWorker>();
                await console.Error.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"bulkinvite: worker {options.InstanceName} runs the imports of '{database}', {options.MaxConcurrentImports} at a time, under leases of {options.LeaseDuration.TotalSeconds:0.###} s; Ctrl+C or SIGTERM stops it and gives the import it runs back.")).ConfigureAwait(false);
                if (result.GetValue(exitWhenIdle))
                {
                    var ran = await worker.RunUntilIdleAsync(cancellationToken).ConfigureAwait(false);
                    await StoppedAsync(console, cancellationToken).ConfigureAwait(false);
                    await CliHost.WriteLineAsync(console, string.Create(CultureInfo.InvariantCulture, $"{ran} import(s) run to their end."), CancellationToken.None).ConfigureAwait(false);
                    return CliApp.ExitOk;
                }

                await worker.RunAsync(cancellationToken).ConfigureAwait(false);
                await StoppedAsync(console, cancellationToken).ConfigureAwait(false);
                return CliApp.ExitOk;
            }, tokensOf: CliHost.TenantId).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>After a signal: one line that says the worker stopped as asked, having given back what it ran.</summary>
    private static async Task StoppedAsync(CliConsole console, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("bulkinvite: worker stopped; the import it was running, if any, is given back and the next worker continues it.").ConfigureAwait(false);
        }
    }
}
