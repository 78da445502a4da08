using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Tests.Hardening;

/// <summary>
/// A logger factory that keeps the server's errors (a connection that failed with an exception, a worker that
/// died), so a test can assert that hostile input never reached one.
/// </summary>
internal sealed class ErrorLog : ILoggerFactory, ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _errors = new();

    public IReadOnlyCollection<string> Errors => _errors;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error)
            _errors.Enqueue($"{logLevel} {formatter(state, exception)}: {exception}");
    }

    public void Dispose()
    {
    }
}
