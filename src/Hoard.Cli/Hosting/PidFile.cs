using System.Globalization;

namespace Hoard.Cli.Hosting;

/// <summary><c>-P FILE</c>: the process id, written once the server listens, removed on a clean exit.</summary>
internal sealed class PidFile
{
    private PidFile(string path) => Path = path;

    public string Path { get; }

    public static PidFile Write(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        File.WriteAllText(fullPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new PidFile(fullPath);
    }

    /// <summary>Removes the file if it still holds this process's id; returns the problem, or null.</summary>
    public string? TryRemove()
    {
        try
        {
            var text = File.Exists(Path) ? File.ReadAllText(Path).Trim() : null;
            if (text == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) File.Delete(Path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Typical after -u: the file was written as root in a directory the new user cannot change.
            return $"could not remove pid file {Path}: {e.Message}";
        }
    }
}
