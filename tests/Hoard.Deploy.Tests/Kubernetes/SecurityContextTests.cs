using Hoard.Deploy.Tests.Infrastructure;
using k8s.Models;

namespace Hoard.Deploy.Tests.Kubernetes;

public sealed class SecurityContextTests
{
    public static TheoryData<string> Workloads => new() { "server", "router", "movies example" };

    private static V1PodTemplateSpec Template(string workload) => workload switch
    {
        "server" => KubernetesManifests.Plain.Server.Spec.Template,
        "router" => KubernetesManifests.Plain.Router.Spec.Template,
        _ => ExampleManifestTests.Movies.Spec.Template,
    };

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Pods_run_as_the_images_unprivileged_user(string workload)
    {
        var pod = Template(workload).Spec.SecurityContext;
        Assert.True(pod.RunAsNonRoot);
        Assert.Equal(1654, pod.RunAsUser);
        // The images' USER; a mismatch would leave files the image prepared (/data) unwritable.
        Assert.Equal("1654", DockerImages.Server.FinalStage.Last(i => i.Keyword == "USER").Arguments);
        Assert.Equal(pod.RunAsUser, pod.FsGroup);
        Assert.Equal("RuntimeDefault", pod.SeccompProfile.Type);
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Containers_cannot_escalate_and_write_only_to_mounted_volumes(string workload)
    {
        var template = Template(workload);
        var container = PodTemplates.OnlyContainer(template);
        Assert.Equal(false, container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Equal(true, container.SecurityContext.ReadOnlyRootFilesystem);
        // .NET puts its diagnostics socket in /tmp: with a read-only root it needs a volume there.
        Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.Equal(false, template.Spec.AutomountServiceAccountToken);
    }
}
