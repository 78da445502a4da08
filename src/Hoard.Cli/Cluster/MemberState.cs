namespace Hoard.Cli.Cluster;

/// <summary>Where a cluster child process is in its life, as the status table shows it.</summary>
internal enum MemberState
{
    /// <summary>Started, not answering <c>version</c> yet.</summary>
    Starting,

    /// <summary>Answered <c>version</c>; its process is running.</summary>
    Running,

    /// <summary>Exited without being asked to: reported, never hidden.</summary>
    Down,

    /// <summary>Sent SIGTERM by the shutdown.</summary>
    Stopping,

    /// <summary>Exited after the shutdown asked it to.</summary>
    Stopped,
}
