namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>Runs a peer program (memccapable, a Python client script) to completion with a time limit.</summary>
public static class ExternalTool
{
    /// <summary>Debian's interpreter, which has pymemcache, pylibmc and python-memcached; another python3 may come first on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    public static ChildProcess.Result Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        if (!File.Exists(fileName))
            throw new InvalidOperationException($"{fileName} is not installed (test.sh installs it from Debian packages).");
        return ChildProcess.Run(fileName, arguments, timeout, new Dictionary<string, string>
        {
            ["PYTHONUNBUFFERED"] = "1",
            ["PYTHONDONTWRITEBYTECODE"] = "1",
        });
    }

    /// <summary>Path of a script copied next to the test assembly.</summary>
    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "scripts", name);
}
