namespace Hoard.Samples.Movies.Configuration;

/// <summary>The configuration cannot work; the message names the setting and what is wrong with it.</summary>
public sealed class MoviesConfigurationException : Exception
{
    public MoviesConfigurationException()
    {
    }

    public MoviesConfigurationException(string message) : base(message)
    {
    }

    public MoviesConfigurationException(string message, Exception? inner) : base(message, inner)
    {
    }
}
