using Hoard.Deploy.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Docker;

public sealed class DockerfileTests
{
    public static TheoryData<string, int> Images => new() { { "server", 11211 }, { "router", 5000 }, { "movies", 8080 } };

    [Theory]
    [MemberData(nameof(Images))]
    public void Build_and_runtime_are_separate_stages_and_the_runtime_has_no_sdk(string image, int port)
    {
        _ = port;
        var dockerfile = DockerImages.ByName(image);
        Assert.True(dockerfile.Stages.Count >= 2, $"{dockerfile.Name} is not multi-stage");
        var arguments = dockerfile.Instructions.Where(i => i.Keyword == "ARG").Select(i => i.Arguments).ToList();
        Assert.Contains(arguments, a => a.StartsWith("SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal));
        var runtime = image == "movies" ? "mcr.microsoft.com/dotnet/aspnet:10.0" : "mcr.microsoft.com/dotnet/runtime:10.0";
        Assert.Contains($"RUNTIME_IMAGE={runtime}", arguments);
        Assert.Equal("${RUNTIME_IMAGE}", dockerfile.FinalStage[0].Arguments);
        // What runs is published output copied from the build stage, not sources built in place.
        Assert.Contains(dockerfile.FinalStage, i => i.Keyword == "COPY" && i.Flags.GetValueOrDefault("from") == "build" && i.Words[0] == "/app");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_runtime_runs_as_a_numeric_non_root_user(string image, int port)
    {
        _ = port;
        var user = DockerImages.ByName(image).FinalStage.Last(i => i.Keyword == "USER").Arguments;
        Assert.True(int.TryParse(user, out var uid), $"USER {user} is not numeric: Kubernetes' runAsNonRoot cannot check a name");
        Assert.NotEqual(0, uid);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void It_exposes_its_port_and_its_health_check_probes_that_port(string image, int port)
    {
        var dockerfile = DockerImages.ByName(image);
        Assert.Equal(port, DockerImages.ExposedPort(dockerfile));
        var check = Assert.Single(dockerfile.FinalStage, i => i.Keyword == "HEALTHCHECK");
        Assert.NotNull(check.ExecForm);
        Assert.Equal("hoard-probe", check.ExecForm![0]);
        Assert.Equal(port, CommandLine.IntValueOf(check.ExecForm.ToList(), "-p"));
        Assert.Contains("timeout", check.Flags.Keys);
        // The probe is in the image, executable, at the path the health check and the Kubernetes probes call.
        Assert.Contains(dockerfile.FinalStage, i => i.Keyword == "COPY" && i.Flags.GetValueOrDefault("chmod") == "0755"
            && i.Words.SequenceEqual(["deploy/docker/hoard-probe", "/usr/local/bin/hoard-probe"]));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_entrypoint_is_exec_form_so_signals_reach_the_process(string image, int port)
    {
        _ = port;
        var dockerfile = DockerImages.ByName(image);
        var entrypoint = Assert.Single(dockerfile.FinalStage, i => i.Keyword == "ENTRYPOINT");
        Assert.True(entrypoint.ExecForm is not null, $"{entrypoint}: shell form runs /bin/sh as PID 1, which does not pass SIGTERM on");
        Assert.DoesNotContain(entrypoint.ExecForm!, word => word is "sh" or "/bin/sh" or "bash" or "/bin/bash");
        foreach (var cmd in dockerfile.FinalStage.Where(i => i.Keyword == "CMD"))
            Assert.True(cmd.ExecForm is not null, $"{cmd}: shell form would wrap the arguments in /bin/sh -c");
    }

    [Fact]
    public void The_server_and_router_images_run_the_hoard_subcommands()
    {
        Assert.Equal(["/app/hoard", "server"], DockerImages.Server.FinalStage.Single(i => i.Keyword == "ENTRYPOINT").ExecForm);
        Assert.Equal(["/app/hoard", "router"], DockerImages.Router.FinalStage.Single(i => i.Keyword == "ENTRYPOINT").ExecForm);
        var serverCommand = DockerImages.Server.FinalStage.Single(i => i.Keyword == "CMD").ExecForm!.ToList();
        // hoard server listens on 127.0.0.1 by default, which nothing outside the container can reach.
        Assert.Equal("0.0.0.0", CommandLine.ValueOf(serverCommand, "-l"));
        Assert.Equal(DockerImages.ExposedPort(DockerImages.Server), CommandLine.IntValueOf(serverCommand, "-p"));
        var routerCommand = DockerImages.Router.FinalStage.Single(i => i.Keyword == "CMD").ExecForm!.ToList();
        Assert.Equal(DockerImages.ExposedPort(DockerImages.Router), CommandLine.IntValueOf(routerCommand, "-p"));
    }

    [Fact]
    public void The_server_image_carries_the_launchers_runtime_settings_and_the_router_image_does_not()
    {
        // ./hoard sets DOTNET_ReadyToRun=0 for "server" only; TieredCompilation=false travels in the runtimeconfig.
        Assert.Contains("export DOTNET_ReadyToRun=0", Repository.Read("hoard"), StringComparison.Ordinal);
        Assert.Equal("0", DockerImages.Environment(DockerImages.Server)["DOTNET_ReadyToRun"]);
        Assert.False(DockerImages.Environment(DockerImages.Router).ContainsKey("DOTNET_ReadyToRun"));
        Assert.Contains("<TieredCompilation>false</TieredCompilation>", Repository.Read("src/Hoard.Cli/Hoard.Cli.csproj"), StringComparison.Ordinal);
        Assert.Contains(DockerImages.Server.Stages[0], i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish src/Hoard.Cli/Hoard.Cli.csproj", StringComparison.Ordinal));
    }

    [Fact]
    public void The_movies_image_listens_where_it_exposes_and_has_a_writable_data_directory()
    {
        var environment = DockerImages.Environment(DockerImages.Movies);
        Assert.Equal(DockerImages.ExposedPort(DockerImages.Movies).ToString(System.Globalization.CultureInfo.InvariantCulture), environment["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal("/data", environment["Movies__DataDirectory"]);
        var user = DockerImages.Movies.FinalStage.Last(i => i.Keyword == "USER").Arguments;
        Assert.Contains(DockerImages.Movies.FinalStage, i => i.Keyword == "COPY" && i.Flags.GetValueOrDefault("chown") == $"{user}:{user}" && i.Words[^1] == "/data");
    }
}
