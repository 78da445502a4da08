namespace Hoard.Cli.Cluster;

/// <summary>
/// How to start another <c>hoard</c>: the executable this process runs from (the apphost), or <c>dotnet hoard.dll</c>
/// when it runs under the dotnet host, or the apphost beside the assembly when Hoard.Cli is hosted by something
/// else (a test runner).
/// </summary>
internal sealed record HoardExecutable(string FileName, IReadOnlyList<string> LeadingArguments)
{
    public static HoardExecutable Current()
    {
        var assembly = typeof(HoardExecutable).Assembly.Location;
        var processPath = Environment.ProcessPath;
        var processName = processPath is null ? "" : Path.GetFileNameWithoutExtension(processPath);
        if (processPath is not null && processName.Equals("hoard", StringComparison.OrdinalIgnoreCase))
            return new HoardExecutable(processPath, []);
        if (processPath is not null && processName.Equals("dotnet", StringComparison.OrdinalIgnoreCase) && assembly.Length > 0)
            return new HoardExecutable(processPath, [assembly]);
        var apphost = Path.Combine(Path.GetDirectoryName(assembly) ?? AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "hoard.exe" : "hoard");
        if (File.Exists(apphost))
            return new HoardExecutable(apphost, []);
        return new HoardExecutable("dotnet", [assembly]);
    }
}
