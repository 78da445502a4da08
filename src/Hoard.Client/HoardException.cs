namespace Hoard.Client;

/// <summary>A cache operation failed. The subclasses say whether the server, the network or time was at fault.</summary>
public class HoardException : Exception
{
    public HoardException()
    {
    }

    public HoardException(string message) : base(message)
    {
    }

    public HoardException(string message, Exception? inner) : base(message, inner)
    {
    }
}

/// <summary>The connection to a server could not be made or broke; the request may or may not have run.</summary>
public class HoardConnectionException : HoardException
{
    public HoardConnectionException()
    {
    }

    public HoardConnectionException(string message) : base(message)
    {
    }

    public HoardConnectionException(string message, Exception? inner) : base(message, inner)
    {
    }
}

/// <summary>No reply came within the operation timeout. The message says what was queued and in flight.</summary>
public class HoardTimeoutException : HoardException
{
    public HoardTimeoutException()
    {
    }

    public HoardTimeoutException(string message) : base(message)
    {
    }

    public HoardTimeoutException(string message, Exception? inner) : base(message, inner)
    {
    }
}

/// <summary>The server answered with something that is not the memcached protocol; the connection is dropped.</summary>
public class HoardProtocolException : HoardException
{
    public HoardProtocolException()
    {
    }

    public HoardProtocolException(string message) : base(message)
    {
    }

    public HoardProtocolException(string message, Exception? inner) : base(message, inner)
    {
    }
}

/// <summary>The server refused the request (<c>ERROR</c>, <c>CLIENT_ERROR</c>, <c>SERVER_ERROR</c>); the connection is fine.</summary>
public class HoardServerException : HoardException
{
    public HoardServerException()
    {
    }

    public HoardServerException(string message) : base(message)
    {
    }

    public HoardServerException(string message, Exception? inner) : base(message, inner)
    {
    }
}

/// <summary>A cached value cannot be turned into the type asked for (or a value cannot be serialized).</summary>
public class HoardSerializationException : HoardException
{
    public HoardSerializationException()
    {
    }

    public HoardSerializationException(string message) : base(message)
    {
    }

    public HoardSerializationException(string message, Exception? inner) : base(message, inner)
    {
    }
}
