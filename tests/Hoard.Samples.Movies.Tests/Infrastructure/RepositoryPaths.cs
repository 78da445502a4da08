namespace Hoard.Samples.Movies.Tests.Infrastructure;

/// <summary>Paths the end-to-end tests need: the repository (the folder holding Hoard.sln), the built programs, shared/.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>Release or Debug: the configuration this test assembly was built in (its folder is bin/CONFIG/net10.0).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The hoard apphost, built with the tests (the test project references Hoard.Cli for the build order).</summary>
    public static string HoardExecutable => Existing(Path.Combine(Root, "src", "Hoard.Cli", "bin", Configuration, "net10.0", "hoard"), "the hoard apphost");

    /// <summary>The sample's apphost, built with the tests.</summary>
    public static string MoviesExecutable => Existing(
        Path.Combine(Root, "samples", "Hoard.Samples.Movies", "bin", Configuration, "net10.0", "Hoard.Samples.Movies"), "the sample application");

    /// <summary>The sakila movie tables, beside the repository (../shared/sakila), as CI lays them out.</summary>
    public static string Sakila => Path.GetFullPath(Path.Combine(Root, "..", "shared", "sakila"));

    private static string Existing(string path, string what) => File.Exists(path)
        ? path
        : throw new InvalidOperationException($"{what} is not built at {path}: run dotnet build Hoard.sln -c {Configuration} first.");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hoard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root (the folder holding Hoard.sln) above " + AppContext.BaseDirectory);
    }
}
