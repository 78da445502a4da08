namespace Hoard.Server.Text;

/// <summary>What the connection does after a command.</summary>
public enum CommandOutcome : byte
{
    Continue,
    /// <summary>A multi-key retrieval stopped to let the reply buffer drain; run it again from the saved key.</summary>
    Partial,
    /// <summary>Close this connection (quit, or a protocol error memcached closes on).</summary>
    Close,
    /// <summary>Stop the server (the <c>shutdown</c> command with <c>-A</c>).</summary>
    Shutdown,
}
