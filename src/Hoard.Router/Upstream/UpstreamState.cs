namespace Hoard.Router.Upstream;

/// <summary>Whether requests go to a server.</summary>
public enum UpstreamState : byte
{
    Up,
    /// <summary>"Technical knock-out": too many failures in a row; requests fail at once until a probe succeeds.</summary>
    Tko,
}
