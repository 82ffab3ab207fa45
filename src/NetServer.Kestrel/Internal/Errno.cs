using System.Net.Sockets;

namespace NetServer.Internal;

/// <summary>Linux errno values and libuv descriptions, as Node reports them.</summary>
internal static class Errno
{
    private static readonly Dictionary<string, (int Errno, string Description)> Table = new(StringComparer.Ordinal)
    {
        ["EADDRINUSE"] = (-98, "address already in use"),
        ["EADDRNOTAVAIL"] = (-99, "address not available"),
        ["EACCES"] = (-13, "permission denied"),
        ["ECONNRESET"] = (-104, "connection reset by peer"),
        ["ECONNREFUSED"] = (-111, "connection refused"),
        ["ECONNABORTED"] = (-103, "software caused connection abort"),
        ["EPIPE"] = (-32, "broken pipe"),
        ["EINVAL"] = (-22, "invalid argument"),
        ["ENOENT"] = (-2, "no such file or directory"),
        ["EMFILE"] = (-24, "too many open files"),
        ["ENOTSOCK"] = (-88, "socket operation on non-socket"),
        ["EBADF"] = (-9, "bad file descriptor"),
        ["EAFNOSUPPORT"] = (-97, "address family not supported"),
        ["ETIMEDOUT"] = (-110, "connection timed out"),
        ["EHOSTUNREACH"] = (-113, "host is unreachable"),
        ["ENETUNREACH"] = (-101, "network is unreachable"),
        ["ENOTFOUND"] = (-3008, "getaddrinfo ENOTFOUND"),
        ["EAI_AGAIN"] = (-3001, "temporary failure"),
        ["ENOBUFS"] = (-105, "no buffer space available"),
        ["ENOTCONN"] = (-107, "socket is not connected"),
        ["EIO"] = (-5, "i/o error"),
    };

    public static int Of(string code) => Table.TryGetValue(code, out var e) ? e.Errno : -5;

    public static string Describe(string code) => Table.TryGetValue(code, out var e) ? e.Description : "unknown error";

    /// <summary>Maps a .NET socket error to Node's errno code string.</summary>
    public static string CodeOf(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => "EADDRINUSE",
        SocketError.AddressNotAvailable => "EADDRNOTAVAIL",
        SocketError.AccessDenied => "EACCES",
        SocketError.ConnectionReset => "ECONNRESET",
        SocketError.ConnectionRefused => "ECONNREFUSED",
        SocketError.ConnectionAborted => "ECONNABORTED",
        SocketError.Shutdown => "EPIPE",
        SocketError.InvalidArgument => "EINVAL",
        SocketError.TooManyOpenSockets => "EMFILE",
        SocketError.NotSocket => "ENOTSOCK",
        SocketError.AddressFamilyNotSupported => "EAFNOSUPPORT",
        SocketError.TimedOut => "ETIMEDOUT",
        SocketError.HostNotFound => "ENOTFOUND",
        SocketError.TryAgain => "EAI_AGAIN",
        SocketError.NoBufferSpaceAvailable => "ENOBUFS",
        SocketError.NotConnected => "ENOTCONN",
        SocketError.OperationNotSupported => "EINVAL",
        _ => "EIO",
    };
}
