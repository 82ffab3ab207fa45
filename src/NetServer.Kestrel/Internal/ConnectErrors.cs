using System.Globalization;
using System.Net.Sockets;

namespace NetServer.Internal;

/// <summary>The errors of a client connect, with Node's classes, codes and messages (lib/net.js <c>connect</c> paths).</summary>
internal static class ConnectErrors
{
    /// <summary>Node's connect wording differs from listen's (<c>Port should be</c>, capitalised, no <c>options.</c>).</summary>
    public static NodeRangeError BadPort(object? value) =>
        new("ERR_SOCKET_BAD_PORT", $"Port should be >= 0 and < 65536. Received {Inspect.Received(value)}.");

    public static NodeTypeError MissingArgs() =>
        new("ERR_MISSING_ARGS", "The \"options\" or \"port\" or \"path\" argument must be specified");

    public static NodeTypeError InvalidFamily(int family) =>
        new("ERR_INVALID_ARG_VALUE", $"The property 'options.family' must be one of: 0, 4, 6. Received {family.ToString(CultureInfo.InvariantCulture)}");

    public static NodeTypeError InvalidIp(string address) =>
        new("ERR_INVALID_IP_ADDRESS", $"Invalid IP address: {address}");

    public static NodeError AlreadyConnecting() =>
        new("ERR_SOCKET_CONNECTING", "Socket is already connected");

    /// <summary>Node's <c>AbortError</c>: the socket's signal fired.</summary>
    public static NodeError Aborted() => new("ABORT_ERR", "The operation was aborted");

    public static NodeError ClosedBeforeConnection() =>
        new("ERR_SOCKET_CLOSED_BEFORE_CONNECTION", "Socket closed before the connection was established");

    public static NodeTypeError HostWithNullBytes(string host) =>
        new("ERR_INVALID_ARG_VALUE", $"The property 'options.host' must be a string without null bytes. Received {Inspect.Value(host)}");

    public static NodeError SocketClosed() =>
        new("ERR_SOCKET_CLOSED", "Socket is closed");

    /// <summary>Node's <c>exceptionWithHostPort</c>: <c>connect ECONNREFUSED 127.0.0.1:1</c> (no description, unlike listen's).</summary>
    public static NodeSystemError Connect(Exception ex, string address, int? port)
    {
        var code = NodeErrors.CodeOf(ex);
        if (port is null && code == "EADDRNOTAVAIL")
        {
            // .NET reports a Unix path that does not exist (ENOENT) as AddressNotAvailable.
            code = "ENOENT";
        }
        var message = port is { } p
            ? $"connect {code} {address}:{p.ToString(CultureInfo.InvariantCulture)}"
            : $"connect {code} {address}";
        return new NodeSystemError(code, Errno.Of(code), "connect", message, address, port, ex);
    }
}
