using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace NetServer.Hosting.Internal;

/// <summary>
/// One configured endpoint: its <see cref="Server"/>, the handler mapped to it, and the bookkeeping
/// the host needs — live sockets (for the forced destroy at shutdown), logs and metrics per connection.
/// </summary>
/// <remarks>
/// Every accepted socket gets an <c>"error"</c> listener that logs. In Node an <c>"error"</c> with no
/// listener is thrown; on a server a peer reset (<c>ECONNRESET</c>) is routine, and letting it become
/// an uncaught exception would make a host with <see cref="UnhandledErrorBehavior.StopApplication"/>
/// stop whenever a client vanishes. Handlers may add their own <c>"error"</c> listeners; ours only logs.
/// All members except <see cref="CloseAsync"/> and <see cref="DestroyLiveConnections"/> run on the loop.
/// </remarks>
internal sealed class NetServerEndpoint
{
    private readonly HashSet<Socket> _live = [];
    private readonly Action<Socket> _handler;
    private readonly NetServerMetrics _metrics;
    private readonly ILogger _connectionLog;
    private readonly ILogger _lifecycleLog;
    private readonly KeyValuePair<string, object?>[] _tags;
    private TaskCompletionSource? _closed;

    public NetServerEndpoint(
        string name,
        NetServerEndpointOptions options,
        EventLoop loop,
        Action<Socket> handler,
        NetServerMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        Name = name;
        Options = options;
        _handler = handler;
        _metrics = metrics;
        _connectionLog = loggerFactory.CreateLogger(ConnectionLog.Category);
        _lifecycleLog = loggerFactory.CreateLogger(LifecycleLog.Category);
        Transport = options.Port is null ? "unix" : "tcp";
        _tags = NetServerMetrics.TagsFor(name, Transport);
        Server = new Server(options.ToServerOptions(loop), OnConnection) { MaxConnections = options.MaxConnections };
        Server.On<DropArgument?>("drop", OnDrop);
    }

    public string Name { get; }

    public NetServerEndpointOptions Options { get; }

    public Server Server { get; }

    /// <summary><c>tcp</c> or <c>unix</c>, the <c>network.transport</c> tag.</summary>
    public string Transport { get; }

    /// <summary>Where the endpoint listens, for logs: <c>127.0.0.1:7000</c>, <c>[::]:7000</c> or the socket path.</summary>
    public string DisplayAddress => Server.Address() switch
    {
        AddressInfo a => FormatEndPoint(a.Address, a.Port),
        string path => path,
        _ => Options.Port is { } port ? FormatEndPoint(Options.Host ?? "(default host)", port) : Options.Path ?? "?",
    };

    /// <summary>
    /// Closes the server (it stops accepting at once). Completes after its <c>"close"</c> and after every
    /// socket's own <c>"close"</c> has run: Node emits the server's <c>"close"</c> before the last socket's,
    /// and the loop must not stop before the socket's close measurements and logs.
    /// </summary>
    public Task CloseAsync()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Close(_ =>
        {
            _closed = closed;
            CompleteCloseIfDrained();
        });
        return closed.Task;
    }

    /// <summary>Destroys every live socket, on the loop (the shutdown timeout has fired).</summary>
    public void DestroyLiveConnections() => Server.Loop.Post(() =>
    {
        if (_live.Count == 0)
        {
            return;
        }
        LifecycleLog.ConnectionsDestroyed(_lifecycleLog, _live.Count, Name);
        foreach (var socket in _live.ToArray())
        {
            socket.Destroy();
        }
    });

    /// <summary>The peer of <paramref name="socket"/> for logs: <c>address:port</c>, or the endpoint's path for IPC.</summary>
    public string PeerOf(Socket socket) =>
        socket.RemoteAddress is { } address ? FormatEndPoint(address, socket.RemotePort ?? 0) : Options.Path ?? "-";

    internal static string FormatEndPoint(string address, int port) =>
        address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port}" : $"{address}:{port}";

    private static string CodeOf(Exception error) => error is INodeError node ? node.Code : error.GetType().Name;

    private void OnConnection(Socket socket)
    {
        var started = Stopwatch.GetTimestamp();
        var peer = PeerOf(socket);
        var id = socket.Connection!.ConnectionId;
        _live.Add(socket);
        _metrics.ConnectionOpened(_tags);
        ConnectionLog.ConnectionAccepted(_connectionLog, Name, id, peer);

        socket.On<Exception>("error", error =>
        {
            var code = CodeOf(error);
            var level = code is "ECONNRESET" or "EPIPE" or "ECONNABORTED" ? LogLevel.Debug : LogLevel.Warning;
            ConnectionLog.SocketError(_connectionLog, level, Name, id, peer, code, error);
        });
        socket.On<bool>("close", hadError =>
        {
            _live.Remove(socket);
            var duration = Stopwatch.GetElapsedTime(started);
            _metrics.ConnectionClosed(_tags, socket.BytesRead, socket.BytesWritten, duration);
            ConnectionLog.ConnectionClosed(_connectionLog, Name, id, peer, hadError, socket.BytesRead, socket.BytesWritten, duration.TotalMilliseconds);
            CompleteCloseIfDrained();
        });

        try
        {
            _handler(socket);
        }
        catch (Exception ex) when (ErrorSocket.TagHandlerError(ex, socket))
        {
            // Never reached: the filter only records the socket for the "uncaughtException" listener.
            throw;
        }
    }

    private void CompleteCloseIfDrained()
    {
        if (_closed is { } closed && _live.Count == 0)
        {
            _closed = null;
            LifecycleLog.EndpointClosed(_lifecycleLog, Name);
            closed.TrySetResult();
        }
    }

    private void OnDrop(DropArgument? drop)
    {
        _metrics.ConnectionDropped(_tags);
        if (drop is null)
        {
            ConnectionLog.IpcConnectionDropped(_connectionLog, Name, Server.MaxConnections);
        }
        else
        {
            ConnectionLog.ConnectionDropped(_connectionLog, Name, drop.RemoteAddress, drop.RemotePort, drop.LocalAddress, drop.LocalPort, Server.MaxConnections);
        }
    }
}
