using BulkInvite.Cli;

using var signals = new CliSignals();
return await CliApp.RunAsync(args, CliConsole.System with { Signals = signals }, signals.Token).ConfigureAwait(false);
