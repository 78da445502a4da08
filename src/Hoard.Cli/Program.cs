using Hoard.Cli;

return await HoardCommandLine.InvokeAsync(args).ConfigureAwait(false);
