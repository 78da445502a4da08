namespace Hoard.Server.Binary;

/// <summary>What the session does with a request whose header has arrived, before its body is read.</summary>
internal enum HeaderVerdict : byte
{
    /// <summary>Wait for the whole request, then <see cref="BinaryCommandHandler.Execute"/> it.</summary>
    Execute,
    /// <summary>The reply is written; skip the request's body (an unknown opcode).</summary>
    SkipBody,
    /// <summary>The reply (if any) is written; close the connection, as memcached does for malformed requests.</summary>
    Close,
}
