namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>Paths in the repository these tests read (found by walking up from the test assembly).</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string KubernetesDirectory => Path.Combine(Deploy, "kubernetes");

    public static string ChartDirectory => Path.Combine(Deploy, "helm", "hoard");

    public static string DockerDirectory => Path.Combine(Deploy, "docker");

    public static string ProbeScript => Path.Combine(DockerDirectory, "hoard-probe");

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hoard.sln")) && Directory.Exists(Path.Combine(dir.FullName, "deploy")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No directory holding Hoard.sln and deploy/ above {AppContext.BaseDirectory}.");
    }
}
