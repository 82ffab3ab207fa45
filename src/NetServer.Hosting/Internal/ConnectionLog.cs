using Microsoft.Extensions.Logging;

namespace NetServer.Hosting.Internal;

/// <summary>Category <c>NetServer.Hosting.Connections</c>: accepted, closed, dropped connections and socket errors. Event ids 10–19.</summary>
internal static partial class ConnectionLog
{
    public const string Category = "NetServer.Hosting.Connections";

    [LoggerMessage(10, LogLevel.Debug, "Endpoint {Endpoint}: connection {ConnectionId} accepted from {Peer}", EventName = "ConnectionAccepted")]
    public static partial void ConnectionAccepted(ILogger logger, string endpoint, string connectionId, string peer);

    [LoggerMessage(11, LogLevel.Debug, "Endpoint {Endpoint}: connection {ConnectionId} from {Peer} closed (hadError: {HadError}, read {BytesRead} B, written {BytesWritten} B, {DurationMs} ms)", EventName = "ConnectionClosed")]
    public static partial void ConnectionClosed(ILogger logger, string endpoint, string connectionId, string peer, bool hadError, long bytesRead, long bytesWritten, double durationMs);

    [LoggerMessage(12, LogLevel.Warning, "Endpoint {Endpoint}: connection from {RemoteAddress}:{RemotePort} to {LocalAddress}:{LocalPort} dropped (MaxConnections {MaxConnections} reached)", EventName = "ConnectionDropped")]
    public static partial void ConnectionDropped(ILogger logger, string endpoint, string? remoteAddress, int? remotePort, string? localAddress, int? localPort, int? maxConnections);

    [LoggerMessage(13, LogLevel.Warning, "Endpoint {Endpoint}: connection dropped (MaxConnections {MaxConnections} reached)", EventName = "IpcConnectionDropped")]
    public static partial void IpcConnectionDropped(ILogger logger, string endpoint, int? maxConnections);

    /// <summary>Peer resets and broken pipes are routine: logged at Debug; anything else at Warning.</summary>
    [LoggerMessage(EventId = 14, Message = "Endpoint {Endpoint}: connection {ConnectionId} from {Peer} error {Code}", EventName = "SocketError")]
    public static partial void SocketError(ILogger logger, LogLevel level, string endpoint, string connectionId, string peer, string code, Exception exception);
}
