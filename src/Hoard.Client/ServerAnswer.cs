using Hoard.Client.Distribution;

namespace Hoard.Client;

/// <summary>One server's answer to a command sent to every server: its value, or the failure that left it without one.</summary>
/// <param name="Server">The server.</param>
/// <param name="Value">What it answered; null when it failed.</param>
/// <param name="Error">Why it did not answer (down, timed out, refused); null when it did.</param>
public sealed record ServerAnswer<T>(ServerEndPoint Server, T? Value, HoardException? Error)
    where T : class
{
    public bool Answered => Error is null;
}
