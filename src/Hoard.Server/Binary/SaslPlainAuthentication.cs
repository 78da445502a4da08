using Hoard.Protocol;
using Hoard.Protocol.Binary;

namespace Hoard.Server.Binary;

/// <summary>
/// SASL on one binary connection (<c>-S</c>), with the PLAIN mechanism (RFC 4616: <c>authzid NUL authcid NUL
/// password</c>) checked against the password file. Until it succeeds, only the SASL commands and
/// <c>version</c> are served, as in memcached 1.6.
/// </summary>
internal sealed class SaslPlainAuthentication
{
    /// <summary>Longest SASL message accepted: far beyond any user name and password a password file can hold.</summary>
    public const int MaxMessageLength = 4096;

    private readonly ServerContext _context;
    private readonly bool _required;
    private bool _authenticated;
    /// <summary>An auth with no initial response was answered "continue"; the credentials come in a step.</summary>
    private bool _awaitingStep;

    public SaslPlainAuthentication(ServerContext context)
    {
        _context = context;
        _required = context.Options.SaslEnabled;
    }

    /// <summary>The answer to "list mechanisms".</summary>
    public static ReadOnlySpan<byte> Mechanisms => "PLAIN"u8;

    public void Reset()
    {
        _authenticated = false;
        _awaitingStep = false;
    }

    public bool Permits(BinaryOpcode opcode) =>
        !_required || _authenticated
        || opcode is BinaryOpcode.SaslListMechanisms or BinaryOpcode.SaslAuthenticate or BinaryOpcode.SaslStep or BinaryOpcode.Version;

    public void Authenticate(scoped in BinaryRequest request, OutputBuffer output)
    {
        bool step = request.Opcode == BinaryOpcode.SaslStep;
        bool stepExpected = _awaitingStep;
        // As in memcached, a new attempt starts over: a failed one leaves the connection unauthenticated.
        _authenticated = false;
        _awaitingStep = false;
        // Mechanism names are case-insensitive, as Cyrus SASL (memcached's library) compares them.
        if (!System.Text.Ascii.EqualsIgnoreCase(request.Key, Mechanisms) || (step && !stepExpected))
        {
            Fail(in request, output, counted: false);
            return;
        }
        if (!step && request.Value.IsEmpty)
        {
            // PLAIN sent without an initial response: ask for it, as Cyrus SASL does in memcached.
            _awaitingStep = true;
            BinaryResponseWriter.Write(output, request.Opcode, BinaryStatus.AuthenticationContinue, request.Header.Opaque, 0, default, default, default);
            return;
        }
        if (!TrySplitPlain(request.Value, out var user, out var password))
        {
            Fail(in request, output, counted: false);
            return;
        }
        // No password file means no user can succeed (HoardServer refuses -S without one).
        if (_context.Authenticator is not { } authenticator || !authenticator.Verify(user, password))
        {
            Fail(in request, output, counted: _context.Authenticator is not null);
            return;
        }
        _authenticated = true;
        BinaryResponseWriter.Write(output, request.Opcode, BinaryStatus.Success, request.Header.Opaque, 0, default, default, "Authenticated"u8);
    }

    /// <summary>
    /// Splits <c>authzid NUL authcid NUL password</c>. An authorization identity other than the user itself
    /// would mean acting as someone else, which a password file cannot allow; it fails, as in Cyrus SASL.
    /// </summary>
    private static bool TrySplitPlain(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> user, out ReadOnlySpan<byte> password)
    {
        user = default;
        password = default;
        int first = message.IndexOf((byte)0);
        if (first < 0)
            return false;
        var authorizationId = message[..first];
        var rest = message[(first + 1)..];
        int second = rest.IndexOf((byte)0);
        if (second < 0)
            return false;
        user = rest[..second];
        password = rest[(second + 1)..];
        if (user.IsEmpty || password.IsEmpty || password.Contains((byte)0))
            return false;
        return authorizationId.IsEmpty || authorizationId.SequenceEqual(user);
    }

    private void Fail(scoped in BinaryRequest request, OutputBuffer output, bool counted)
    {
        // Attempts refused before the password check count as failed attempts too (auth_cmds, auth_errors).
        if (!counted)
            _context.Statistics.AddAuthAttempt(false);
        BinaryResponseWriter.WriteError(output, request.Opcode, BinaryStatus.AuthenticationError, request.Header.Opaque);
    }
}
