namespace Hoard.Cli.Tests.Cluster;

/// <summary>A test of children dying with a parent killed outright, which needs util-linux's setpriv (--pdeathsig).</summary>
public sealed class SetprivFactAttribute : FactAttribute
{
    public SetprivFactAttribute()
    {
        if (!File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv"))
            Skip = "setpriv (util-linux) is not installed: without it, children cannot be tied to a parent killed with SIGKILL";
    }
}
