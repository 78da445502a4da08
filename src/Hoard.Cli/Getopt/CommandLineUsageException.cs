namespace Hoard.Cli.Getopt;

/// <summary>A command line that cannot be used; the message is one line, shown to the user as is.</summary>
public sealed class CommandLineUsageException : Exception
{
    public CommandLineUsageException()
    {
    }

    public CommandLineUsageException(string message)
        : base(message)
    {
    }

    public CommandLineUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
