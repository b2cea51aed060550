using BulkInvite.Cli;

return await CliApp.RunAsync(args, CliConsole.System).ConfigureAwait(false);
