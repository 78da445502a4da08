using System.Text.RegularExpressions;
using System.Xml.Linq;
using Hoard.Deploy.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Docker;

/// <summary>
/// The Dockerfiles cannot be built on a machine without a Docker engine; these tests check what a build would
/// trip over: files copied from outside the context or left out of it by .dockerignore, and a restore step
/// that misses a project the published one references.
/// </summary>
public sealed partial class BuildContextTests
{
    private static readonly DockerIgnore Ignore = DockerIgnore.Load(Repository.PathOf(".dockerignore"));

    public static TheoryData<string> Images => new() { "server", "router", "movies" };

    [Theory]
    [MemberData(nameof(Images))]
    public void Every_file_copied_from_the_context_exists_and_is_not_ignored(string image)
    {
        var dockerfile = DockerImages.ByName(image);
        foreach (var copy in dockerfile.Instructions.Where(i => i.Keyword is "COPY" or "ADD" && !i.Flags.ContainsKey("from")))
        {
            foreach (var source in copy.Words.SkipLast(1))
            {
                var path = Repository.PathOf(source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{dockerfile.Name} {copy}: {source} does not exist");
                Assert.False(Ignore.Excludes(source), $"{dockerfile.Name} {copy}: .dockerignore leaves {source} out of the build context");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_restore_step_has_every_project_the_published_project_references(string image)
    {
        var dockerfile = DockerImages.ByName(image);
        var build = dockerfile.Stages[0];
        var restore = build.First(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var published = PublishedProject().Match(build.Single(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).Arguments).Groups[1].Value;
        Assert.Contains(published, restore.Arguments, StringComparison.Ordinal);

        // Project files copied before the restore (each to its own folder, as the sources are laid out).
        var copiedBeforeRestore = build.TakeWhile(i => i != restore)
            .Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Words.SkipLast(1))
            .Where(s => s.EndsWith(".csproj", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var project in ProjectClosure(published))
            Assert.True(copiedBeforeRestore.Contains(project), $"{dockerfile.Name}: {project} is referenced by {published} but not copied before dotnet restore, which then fails");
        foreach (var file in (string[])["global.json", "Directory.Build.props", "Directory.Packages.props"])
            Assert.Contains(build.TakeWhile(i => i != restore), i => i.Keyword == "COPY" && i.Words.Contains(file));
    }

    [Theory]
    [InlineData("src/Hoard.Cli/Hoard.Cli.csproj", false)]
    [InlineData("samples/Hoard.Samples.Movies/Program.cs", false)]
    [InlineData("deploy/docker/hoard-probe", false)]
    [InlineData("Directory.Packages.props", false)]
    [InlineData("src/Hoard.Cli/bin/Release/net10.0/hoard", true)]
    [InlineData("src/Hoard.Server/obj/project.assets.json", true)]
    [InlineData("tests/Hoard.Deploy.Tests/Hoard.Deploy.Tests.csproj", true)]
    [InlineData("deploy/kubernetes/server-service.yaml", true)]
    [InlineData(".git/HEAD", true)]
    [InlineData("TestResults/x.trx", true)]
    public void The_dockerignore_keeps_sources_and_leaves_out_build_output_and_everything_else(string path, bool excluded)
    {
        Assert.Equal(excluded, Ignore.Excludes(path));
    }

    [Theory]
    [InlineData("!\n", "names nothing")]
    [InlineData("../secrets\n", "outside the build context")]
    public void A_dockerignore_pattern_that_cannot_work_is_refused(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => DockerIgnore.Parse(text));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    private static IReadOnlyCollection<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!found.Add(current))
                continue;
            var directory = Path.GetDirectoryName(Repository.PathOf(current))!;
            foreach (var reference in XDocument.Load(Repository.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repository.Root, full).Replace('\\', '/'));
            }
        }
        return found;
    }

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();
}
