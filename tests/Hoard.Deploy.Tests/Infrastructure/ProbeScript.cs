using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>Runs deploy/docker/hoard-probe (the images' health check) with bash, as the images run it.</summary>
public static class ProbeScript
{
    public static ChildProcess.Result Run(params string[] arguments) =>
        ChildProcess.Run("/bin/bash", [Repository.ProbeScript, .. arguments], TimeSpan.FromSeconds(30), workingDirectory: Repository.Root);
}
