using BulkInvite.Cli;

NativeDispatch.HandOverIfFaster(args);
return await CliApp.RunAsync(args, CliConsole.System).ConfigureAwait(false);
