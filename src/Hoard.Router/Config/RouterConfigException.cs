namespace Hoard.Router.Config;

/// <summary>A route configuration that cannot be used; the message names the JSON path of the problem.</summary>
public sealed class RouterConfigException : Exception
{
    public RouterConfigException()
    {
    }

    public RouterConfigException(string message) : base(message)
    {
    }

    public RouterConfigException(string message, Exception? inner) : base(message, inner)
    {
    }

    public RouterConfigException(string path, string problem) : base($"{path}: {problem}")
    {
        JsonPath = path;
    }

    /// <summary>Where in the file the problem is (<c>$.route.children[1].pool</c>).</summary>
    public string? JsonPath { get; }
}
