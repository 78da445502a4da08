using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Hoard.Cli.Hosting;

/// <summary>Logging for <c>hoard server</c>: everything on stderr, as much as <c>-v</c> asks for.</summary>
internal static class ConsoleLogging
{
    /// <summary>memcached's levels: 0 warnings and errors only, 1 (<c>-v</c>) more, 2 (<c>-vv</c>) requests, 3 (<c>-vvv</c>) internals.</summary>
    public static LogLevel MinimumLevel(int verbosity) => verbosity switch
    {
        <= 0 => LogLevel.Warning,
        1 => LogLevel.Information,
        2 => LogLevel.Debug,
        _ => LogLevel.Trace,
    };

    public static ILoggerFactory Create(int verbosity) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(MinimumLevel(verbosity));
        builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
            options.ColorBehavior = LoggerColorBehavior.Default;
        });
    });
}
