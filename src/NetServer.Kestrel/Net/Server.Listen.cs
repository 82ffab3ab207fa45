using System.Net;
using System.Net.Sockets;
using System.Text;
using NetServer.Internal;
using NetServer.Kestrel;

namespace NetServer;

/// <summary>Node's <c>server.listen(...)</c> in all its forms (lib/net.js: normalizeArgs → listenInCluster → setupListenHandle).</summary>
public sealed partial class Server
{
    /// <summary>Largest Unix socket path Linux accepts with its terminating NUL (<c>sizeof(sun_path) - 1</c>).</summary>
    private const int MaxPipePathBytes = 107;

    /// <summary>Listens on a free port on the default host (<c>::</c> dual-stack, or <c>0.0.0.0</c> without IPv6).</summary>
    /// <param name="listeningListener">Added as a once <c>"listening"</c> listener.</param>
    /// <returns>This server.</returns>
    public Server Listen(Action? listeningListener = null) => Listen(new ServerListenOptions { Port = 0 }, listeningListener);

    /// <summary>Listens on <paramref name="port"/> on the default host; binds before returning, emits <c>"listening"</c> after.</summary>
    /// <param name="port">0–65535; 0 picks a free port.</param>
    /// <param name="cb">Added as a once <c>"listening"</c> listener.</param>
    /// <returns>This server.</returns>
    public Server Listen(int port, Action? cb = null) => Listen(new ServerListenOptions { Port = port }, cb);

    /// <summary>Listens on <paramref name="port"/> at <paramref name="host"/>, after an asynchronous lookup (even for an IP literal, as Node).</summary>
    /// <param name="port">0–65535; 0 picks a free port.</param>
    /// <param name="host">Host name or IP; empty means the default host.</param>
    /// <param name="cb">Added as a once <c>"listening"</c> listener.</param>
    /// <returns>This server.</returns>
    public Server Listen(int port, string host, Action? cb = null) => Listen(new ServerListenOptions { Port = port, Host = host }, cb);

    /// <summary>Listens on <paramref name="port"/> at <paramref name="host"/> with a backlog.</summary>
    /// <param name="port">0–65535; 0 picks a free port.</param>
    /// <param name="host">Host name or IP; empty means the default host.</param>
    /// <param name="backlog">Pending-connection queue length; 0 means 511.</param>
    /// <param name="cb">Added as a once <c>"listening"</c> listener.</param>
    /// <returns>This server.</returns>
    public Server Listen(int port, string host, int backlog, Action? cb = null) =>
        Listen(new ServerListenOptions { Port = port, Host = host, Backlog = backlog }, cb);

    /// <summary>Listens on <paramref name="port"/> on the default host with a backlog (Node's <c>listen(port, backlog, cb)</c>).</summary>
    /// <param name="port">0–65535; 0 picks a free port.</param>
    /// <param name="backlog">Pending-connection queue length; 0 means 511.</param>
    /// <param name="cb">Added as a once <c>"listening"</c> listener.</param>
    /// <returns>This server.</returns>
    public Server Listen(int port, int backlog, Action? cb = null) => Listen(new ServerListenOptions { Port = port, Backlog = backlog }, cb);

    /// <summary>Listens on a Unix domain socket (IPC). In C# a string is always a path.</summary>
    /// <param name="path">The socket path; an existing file gives <c>EADDRINUSE</c>. Null listens on a free port, as Node's <c>listen(undefined)</c>.</param>
    /// <param name="cb">Added as a once <c>"listening"</c> listener.</param>
    /// <returns>This server.</returns>
    public Server Listen(string path, Action? cb = null) => Listen(PathOptions(path, null), cb);

    /// <summary>Listens on a Unix domain socket with a backlog.</summary>
    /// <param name="path">The socket path.</param>
    /// <param name="backlog">Pending-connection queue length; 0 means 511.</param>
    /// <param name="cb">Added as a once <c>"listening"</c> listener.</param>
    /// <returns>This server.</returns>
    public Server Listen(string path, int backlog, Action? cb = null) => Listen(PathOptions(path, backlog), cb);

    /// <summary>
    /// Node's <c>server.listen(options[, cb])</c>. Argument errors throw synchronously
    /// (<c>ERR_SOCKET_BAD_PORT</c>, <c>ERR_INVALID_ARG_VALUE</c>, <c>ERR_SERVER_ALREADY_LISTEN</c>);
    /// bind failures (<c>EADDRINUSE</c>, <c>EACCES</c>, ...) are emitted as <c>"error"</c>, never thrown.
    /// </summary>
    /// <param name="options">Where and how to listen; <c>Fd</c>, then <c>Port</c>, then <c>Path</c> decides the kind. Null listens on a free port, as Node's <c>listen(null)</c>.</param>
    /// <param name="cb">Added as a once <c>"listening"</c> listener, before validation (as Node).</param>
    /// <returns>This server.</returns>
    public Server Listen(ServerListenOptions options, Action? cb = null)
    {
        if (cb is not null)
        {
            Once("listening", cb);
        }
        // Node's listen(null) / listen(undefined) is listen(): a free port on the default host.
        var o = options?.Clone() ?? new ServerListenOptions { Port = 0 };
        Validate(o);
        var backlog = o.Backlog is > 0 ? o.Backlog.Value : DefaultBacklog;

        int generation;
        lock (_sync)
        {
            if (_listener is not null)
            {
                throw NodeErrors.ServerAlreadyListen();
            }
            generation = ++_listenGeneration;
            _pendingListen = true;
            if (o.Path is not null && o.Fd is null && o.Port is null)
            {
                _pipeName = o.Path;
            }
            UpdateLoopRefLocked();
            _signalRegistration.Dispose();
            _signalRegistration = default;
            if (o.Signal.CanBeCanceled)
            {
                if (o.Signal.IsCancellationRequested)
                {
                    Loop.NextTick(() => Close());
                }
                else
                {
                    _signalRegistration = o.Signal.Register(static s => ((Server)s!).Close(), this);
                }
            }
        }

        if (o.Fd is { } fd)
        {
            BindAndListen(generation, () => TransportListener.Adopt(fd, backlog), null, null);
        }
        else if (o.Port is { } port)
        {
            if (string.IsNullOrEmpty(o.Host))
            {
                BindDefaultHost(generation, port, backlog, o);
            }
            else
            {
                _ = LookupAndListenAsync(generation, o.Host, port, backlog, o);
            }
        }
        else
        {
            var path = o.Path!;
            if (Encoding.UTF8.GetByteCount(path) > MaxPipePathBytes)
            {
                // Node ≥ 22 (UV_PIPE_NO_TRUNCATE) refuses instead of truncating.
                FailListen(generation, NodeErrors.WithHostPort("EINVAL", "listen", path, -1));
            }
            else
            {
                BindAndListen(generation, () => TransportListener.BindUnix(path, backlog, o.ReadableAll, o.WritableAll), path, -1);
            }
        }
        return this;
    }

    /// <summary>Task form of <see cref="Listen(ServerListenOptions, Action?)"/>: completes on <c>"listening"</c>, faults on the listen <c>"error"</c>.</summary>
    /// <param name="options">Where and how to listen.</param>
    /// <returns>A task that completes once the server listens.</returns>
    public Task ListenAsync(ServerListenOptions options)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Action<Exception> onError = null!;
        Action onListening = null!;
        onError = e =>
        {
            Off("listening", onListening);
            tcs.TrySetException(e);
        };
        onListening = () =>
        {
            Off("error", onError);
            tcs.TrySetResult();
        };
        Once("error", onError);
        try
        {
            Listen(options, onListening);
        }
        catch (Exception ex)
        {
            Off("error", onError);
            Off("listening", onListening);
            tcs.TrySetException(ex);
        }
        return tcs.Task;
    }

    /// <summary>Task form of <see cref="Listen(int, string, Action?)"/>.</summary>
    /// <param name="port">0–65535; 0 picks a free port.</param>
    /// <param name="host">Host name or IP; null means the default host.</param>
    /// <returns>A task that completes once the server listens.</returns>
    public Task ListenAsync(int port, string? host = null) => ListenAsync(new ServerListenOptions { Port = port, Host = host });

    /// <summary>A null path is Node's <c>listen(undefined)</c>: a free port on the default host.</summary>
    private static ServerListenOptions PathOptions(string? path, int? backlog) =>
        path is null ? new ServerListenOptions { Port = 0, Backlog = backlog } : new ServerListenOptions { Path = path, Backlog = backlog };

    private static void Validate(ServerListenOptions o)
    {
        if (o.Fd is < 0)
        {
            o.Fd = null;
        }
        if (o.Port is { } port && (port < 0 || port > 65535))
        {
            throw NodeErrors.BadPort(port);
        }
        if (o.Fd is null && o.Port is null)
        {
            if (o.Path is null)
            {
                throw NodeErrors.InvalidArgValue("options", o, "must have the property \"port\" or \"path\"");
            }
            if (o.Path.Length == 0)
            {
                throw NodeErrors.InvalidArgValue("options", o);
            }
            if (o.Path[0] == '\0' && (o.ReadableAll || o.WritableAll))
            {
                // "writableAllt" is Node's own typo, kept so messages compare equal.
                throw NodeErrors.InvalidArgValue("options", o, "can not set readableAll or writableAllt to true when path is abstract unix socket");
            }
        }
    }

    private void BindDefaultHost(int generation, int port, int backlog, ServerListenOptions o)
    {
        if (!System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            BindAndListen(generation, () => TransportListener.BindTcp(new IPEndPoint(IPAddress.Any, port), backlog, false, o.ReusePort), "0.0.0.0", port);
            return;
        }
        TransportListener listener;
        try
        {
            listener = TransportListener.BindTcp(new IPEndPoint(IPAddress.IPv6Any, port), backlog, o.Ipv6Only, o.ReusePort);
        }
        catch (SocketException ex) when (ex.SocketErrorCode != SocketError.AddressAlreadyInUse)
        {
            // libuv defers EADDRINUSE to listen(2); any other immediate IPv6 failure falls back to IPv4,
            // which is why Node reports EACCES on the default host as 0.0.0.0.
            BindAndListen(generation, () => TransportListener.BindTcp(new IPEndPoint(IPAddress.Any, port), backlog, false, o.ReusePort), "0.0.0.0", port);
            return;
        }
        catch (Exception ex)
        {
            FailListen(generation, MapListenError(ex, "::", port));
            return;
        }
        SetupListenHandle(generation, listener);
    }

    private async Task LookupAndListenAsync(int generation, string host, int port, int backlog, ServerListenOptions o)
    {
        IPAddress address;
        try
        {
            address = IPAddress.TryParse(host, out var literal)
                ? literal
                : PickAddress(await Dns.GetHostAddressesAsync(host).ConfigureAwait(false), host);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            FailListen(generation, NodeErrors.Lookup(ex, host));
            return;
        }
        catch (Exception ex)
        {
            // Nobody awaits this task: an error the resolver should never raise still reaches "error".
            FailListen(generation, ex);
            return;
        }
        var endPoint = new IPEndPoint(address, port);
        var text = AddressInfo.FormatAddress(address);
        Loop.Post(() =>
        {
            lock (_sync)
            {
                if (generation != _listenGeneration)
                {
                    return;
                }
            }
            BindAndListen(generation, () => TransportListener.BindTcp(endPoint, backlog, o.Ipv6Only, o.ReusePort), text, port);
        });
    }

    /// <summary>Node (since PR #54264) takes the first address that is not IPv6 link-local.</summary>
    private static IPAddress PickAddress(IPAddress[] addresses, string host)
    {
        foreach (var a in addresses)
        {
            if (!a.IsIPv6LinkLocal)
            {
                return a;
            }
        }
        return addresses.Length > 0 ? addresses[0] : throw new SocketException((int)SocketError.HostNotFound, host);
    }

    private void BindAndListen(int generation, Func<TransportListener> bind, string? address, int? port)
    {
        TransportListener listener;
        try
        {
            listener = bind();
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            FailListen(generation, MapListenError(ex, address, port));
            return;
        }
        SetupListenHandle(generation, listener);
    }

    private static NodeSystemError MapListenError(Exception ex, string? address, int? port)
    {
        var code = NodeErrors.CodeOf(ex);
        if (address is null && code is "ENOTSOCK" or "EBADF" or "EIO")
        {
            code = "EINVAL";
        }
        return NodeErrors.WithHostPort(code, "listen", address, port, ex);
    }

    /// <summary>Node's setupListenHandle: keep the handle, start accepting, emit <c>"listening"</c> on the next tick.</summary>
    private void SetupListenHandle(int generation, TransportListener listener)
    {
        lock (_sync)
        {
            if (generation != _listenGeneration)
            {
                listener.Stop();
                return;
            }
            _listener = listener;
            _pendingListen = false;
            _closeRequested = false;
            UpdateLoopRefLocked();
        }
        listener.Start(
            connection => OnOwnConnection(connection, generation),
            ex => Loop.Post(() => Emit("error", NodeErrors.WithHostPort(NodeErrors.CodeOf(ex), "accept", null, null, ex))));
        Loop.NextTick(() =>
        {
            bool current;
            lock (_sync)
            {
                current = _listener == listener;
            }
            if (current)
            {
                Emit("listening");
            }
        });
    }

    private void FailListen(int generation, Exception error)
    {
        lock (_sync)
        {
            if (generation != _listenGeneration)
            {
                return;
            }
            _pendingListen = false;
            UpdateLoopRefLocked();
        }
        Loop.NextTick(() => Emit("error", error));
    }
}
