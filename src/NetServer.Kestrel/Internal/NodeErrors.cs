using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace NetServer.Internal;

/// <summary>Factories for every error the library raises, with Node's classes, codes and messages.</summary>
internal static class NodeErrors
{
    public static NodeRangeError BadPort(object? value) =>
        new("ERR_SOCKET_BAD_PORT", $"options.port should be >= 0 and < 65536. Received {Inspect.Received(value)}.");

    public static NodeTypeError InvalidArgValue(string name, object? value, string reason = "is invalid") =>
        new("ERR_INVALID_ARG_VALUE", $"The argument '{name}' {reason}. Received {Inspect.Value(value)}");

    public static NodeTypeError InvalidArgType(string name, string expected, object? value) =>
        new("ERR_INVALID_ARG_TYPE", $"The \"{name}\" argument must be {expected}. Received {Inspect.Received(value)}");

    public static NodeRangeError OutOfRange(string name, string range, object? value) =>
        new("ERR_OUT_OF_RANGE", $"The value of \"{name}\" is out of range. It must be {range}. Received {Inspect.Number(value)}");

    public static NodeTypeError UnknownEncoding(string encoding) =>
        new("ERR_UNKNOWN_ENCODING", $"Unknown encoding: {encoding}");

    public static NodeError ServerAlreadyListen() =>
        new("ERR_SERVER_ALREADY_LISTEN", "Listen method has been called more than once without closing.");

    public static NodeError ServerNotRunning() =>
        new("ERR_SERVER_NOT_RUNNING", "Server is not running.");

    public static NodeError WriteAfterEnd() =>
        new("ERR_STREAM_WRITE_AFTER_END", "write after end");

    public static NodeError StreamDestroyed(string method) =>
        new("ERR_STREAM_DESTROYED", $"Cannot call {method} after a stream was destroyed");

    public static NodeError InvalidState(string message) => new("ERR_INVALID_STATE", "Invalid state: " + message);

    public static NodeError InvalidHandleType() =>
        new("ERR_INVALID_HANDLE_TYPE", "This handle type cannot be sent");

    /// <summary>Node's <c>writeAfterFIN</c> error: a plain Error with code EPIPE (no errno or syscall).</summary>
    public static NodeError EndedByPeer() =>
        new("EPIPE", "This socket has been ended by the other party");

    public static NodeTypeError NullValues() =>
        new("ERR_STREAM_NULL_VALUES", "May not write null values to stream");

    public static NodeError Unhandled(object? value) =>
        new("ERR_UNHANDLED_ERROR", $"Unhandled error. ({Inspect.Value(value)})");

    /// <summary>Node's <c>uvExceptionWithHostPort</c>: <c>listen EADDRINUSE: address already in use 127.0.0.1:80</c>.</summary>
    public static NodeSystemError WithHostPort(string code, string syscall, string? address, int? port, Exception? inner = null)
    {
        var message = $"{syscall} {code}: {Errno.Describe(code)}";
        if (address is not null)
        {
            message += " " + address;
            if (port is > 0)
            {
                message += ":" + port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        int? reportedPort = port is > 0 or -1 ? port : null;
        return new NodeSystemError(code, Errno.Of(code), syscall, message, address, reportedPort, inner);
    }

    /// <summary>Node's <c>dnsException</c>: <c>getaddrinfo ENOTFOUND nosuch.invalid</c>, with <c>hostname</c>.</summary>
    public static NodeSystemError Lookup(Exception ex, string host)
    {
        // .NET refuses a name over 255 characters with an ArgumentException before asking the
        // resolver; getaddrinfo refuses it with EAI_FAIL, which Node reports as EINVAL.
        var code = ex switch
        {
            SocketException { SocketErrorCode: SocketError.TryAgain } => "EAI_AGAIN",
            ArgumentException => "EINVAL",
            _ => "ENOTFOUND",
        };
        return new NodeSystemError(code, Errno.Of(code), "getaddrinfo", $"getaddrinfo {code} {host}", null, null, ex) { Hostname = host };
    }

    /// <summary>Node's <c>errnoException</c>: <c>read ECONNRESET</c>.</summary>
    public static NodeSystemError SystemCall(string code, string syscall, Exception? inner = null) =>
        new(code, Errno.Of(code), syscall, $"{syscall} {code}", null, null, inner);

    /// <summary>Walks an exception chain (IOException → AddressInUseException → SocketException) to Node's code.</summary>
    public static string CodeOf(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException se:
                    return Errno.CodeOf(se.SocketErrorCode);
                case AddressInUseException:
                    return "EADDRINUSE";
                case ConnectionResetException:
                    return "ECONNRESET";
                case UnauthorizedAccessException:
                    return "EACCES";
            }
        }
        return "EIO";
    }
}
