using System.Buffers;
using System.Net;
using System.Net.Sockets;
using NetServer.Internal;
using NetServer.Kestrel;
using RawSocket = System.Net.Sockets.Socket;

using NetServer.Streams;

namespace NetServer;

/// <summary>
/// The client side: Node's <c>socket.connect()</c> (lib/net.js lookupAndConnect → internalConnect /
/// internalConnectMultiple → afterConnect). The connect runs on the loop between awaits, so every
/// event it emits is ordered with the socket's other events; the connected socket is wrapped by
/// Kestrel's <c>SocketConnectionContextFactory</c>, so Kestrel's transport carries client bytes too.
/// </summary>
public sealed partial class Socket
{

    /// <summary>
    /// Node's <c>new net.Socket([options])</c>: a client socket, not yet connected. Call
    /// <see cref="Connect(SocketConnectOptions, Action?)"/> (or use <see cref="Net.Connect(int, string?, Action?)"/>).
    /// Writes made before <c>"connect"</c> are queued and sent once connected.
    /// </summary>
    /// <param name="options">Socket options; null means the defaults.</param>
    public Socket(SocketOptions? options = null)
    {
        var o = options ?? new SocketOptions();
        // Node has one loop: a socket made inside a callback belongs to that callback's loop (a
        // handler's upstream on its client's loop), otherwise to the default loop.
        Loop = o.Loop ?? EventLoop.Running ?? EventLoop.Default;
        AllowHalfOpen = o.AllowHalfOpen;
        var hwm = o.HighWaterMark < 0 ? ServerOptions.DefaultHighWaterMark : o.HighWaterMark;
        ReadableHighWaterMark = hwm;
        WritableHighWaterMark = hwm;
        _client = new ClientState(o);
        _lastActivity = Loop.Now;
        if (o.Signal.CanBeCanceled)
        {
            if (o.Signal.IsCancellationRequested)
            {
                Loop.NextTick(() => Destroy(ConnectErrors.Aborted()));
            }
            else
            {
                _client.SocketSignal = o.Signal.Register(static s => ((Socket)s!).Destroy(ConnectErrors.Aborted()), this);
            }
        }
    }

    /// <summary>True from <see cref="Connect(SocketConnectOptions, Action?)"/> until <c>"connect"</c> (or the connect's failure).</summary>
    public bool Connecting
    {
        get
        {
            lock (Sync)
            {
                return ConnectingLocked;
            }
        }
    }

    /// <summary>Node's <c>pending</c>: true while the socket has no connection yet, or no longer (also after close).</summary>
    public bool Pending
    {
        get
        {
            lock (Sync)
            {
                return ConnectingLocked || !_handle.IsOpen || _destroyed;
            }
        }
    }

    /// <summary>The <c>"ip:port"</c> of every address tried by family selection, in order; null unless several were tried.</summary>
    public IReadOnlyList<string>? AutoSelectFamilyAttemptedAddresses
    {
        get
        {
            lock (Sync)
            {
                return _client?.AttemptedAddresses?.ToArray();
            }
        }
    }

    /// <summary>Connects to <paramref name="port"/> on <paramref name="host"/> (null: <c>"localhost"</c>).</summary>
    /// <param name="port">0–65535.</param>
    /// <param name="host">Host name or IP.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>This socket.</returns>
    public Socket Connect(int port, string? host = null, Action? connectListener = null) =>
        Connect(new SocketConnectOptions { Port = port, Host = host }, connectListener);

    /// <summary>Connects to a Unix domain socket (IPC).</summary>
    /// <param name="path">The socket path.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>This socket.</returns>
    public Socket Connect(string path, Action? connectListener = null) =>
        Connect(new SocketConnectOptions { Path = path ?? throw ConnectErrors.MissingArgs() }, connectListener);

    /// <summary>
    /// Node's <c>socket.connect(options[, connectListener])</c>. Argument errors throw synchronously
    /// (<c>ERR_SOCKET_BAD_PORT</c>, <c>ERR_MISSING_ARGS</c>, <c>ERR_INVALID_IP_ADDRESS</c>, ...); lookup
    /// and connect failures are emitted as <c>"error"</c>, then <c>"close"</c>(true).
    /// </summary>
    /// <param name="options">Where and how to connect; copied.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>This socket.</returns>
    public Socket Connect(SocketConnectOptions options, Action? connectListener = null)
    {
        var o = options?.Clone() ?? throw ConnectErrors.MissingArgs();
        Validate(o);
        if (connectListener is not null)
        {
            Once("connect", connectListener);
        }
        CancellationToken cancel;
        var pathAnnounced = false;
        ClientState client;
        lock (Sync)
        {
            // An accepted socket gets one only if it is closed and connects again, as Node allows.
            client = _client ??= new ClientState(new SocketOptions());
            if (client.Connecting || (_handle.IsOpen && !_destroyed))
            {
                throw ConnectErrors.AlreadyConnecting();
            }
            if (_destroyed)
            {
                if (!_closeEmitted)
                {
                    throw NodeErrors.InvalidState("a destroyed socket can connect again only after its 'close' event");
                }
                // Node's _undestroy: a closed socket is a fresh one again, listeners and encoding kept.
                ReopenLocked();
            }
            client.Connecting = true;
            client.ConnectCancel = new CancellationTokenSource();
            cancel = client.ConnectCancel.Token;
            UpdateLoopRefLocked();
        }
        if (o.Timeout is { } timeout)
        {
            SetTimeout(timeout);
        }
        if (o.Signal.CanBeCanceled)
        {
            client.ConnectSignal.Dispose();
            client.ConnectSignal = o.Signal.Register(static s => ((Socket)s!).Destroy(ConnectErrors.Aborted()), this);
        }
        if (o.Path is { } path && Loop.IsOnLoopThread)
        {
            // Node connects a pipe inside connect() itself, so its attempt is announced synchronously.
            Emit("connectionAttempt", path, null, null);
            pathAnnounced = true;
        }
        // On the loop, so the connect's awaits resume there (the loop's synchronization context)
        // and its events interleave with the socket's other callbacks in one order, as in Node.
        Loop.NextTick(() => _ = ConnectOnLoopAsync(o, pathAnnounced, cancel));
        return this;
    }

    private static void Validate(SocketConnectOptions o)
    {
        if (o.Path is not null)
        {
            return;
        }
        if (o.Port is not { } port)
        {
            throw ConnectErrors.MissingArgs();
        }
        if (port is < 0 or > 65535)
        {
            throw ConnectErrors.BadPort(port);
        }
        if (o.Family is not (0 or 4 or 6))
        {
            throw ConnectErrors.InvalidFamily(o.Family);
        }
        if (o.Host is { } host && host.Contains('\0', StringComparison.Ordinal))
        {
            throw ConnectErrors.HostWithNullBytes(host);
        }
        if (o.AutoSelectFamilyAttemptTimeout is <= 0)
        {
            throw NodeErrors.OutOfRange("options.autoSelectFamilyAttemptTimeout", ">= 1 && <= 2147483647", o.AutoSelectFamilyAttemptTimeout);
        }
        if (o.LocalAddress is { } local && Net.IsIP(local) == 0)
        {
            throw ConnectErrors.InvalidIp(local);
        }
        if (o.LocalPort is { } localPort and (< 0 or > 65535))
        {
            throw ConnectErrors.BadPort(localPort);
        }
    }

    private async Task ConnectOnLoopAsync(SocketConnectOptions o, bool pathAnnounced, CancellationToken cancel)
    {
        try
        {
            if (!StillConnecting(cancel))
            {
                // Destroyed before the connect began (Node's nextTick checks self.connecting).
                return;
            }
            if (o.Path is { } path)
            {
                if (!pathAnnounced)
                {
                    Emit("connectionAttempt", path, null, null);
                }
                await ConnectOneAsync(new UnixDomainSocketEndPoint(path), path, null, 0, o, attemptTimeoutMs: null, failures: null, cancel);
                return;
            }
            var host = string.IsNullOrEmpty(o.Host) ? "localhost" : o.Host;
            var port = o.Port!.Value;
            if (Net.IsIP(host) is var literalFamily and not 0)
            {
                var ip = IPAddress.Parse(host);
                await ConnectOneAsync(new IPEndPoint(ip, port), AddressInfo.FormatAddress(ip), port, literalFamily, o, attemptTimeoutMs: null, failures: null, cancel);
                return;
            }
            await LookupAndConnectAsync(host, port, o, cancel);
        }
        catch (Exception ex)
        {
            // A bug, not a connect failure (those are handled where they happen): nobody handled it.
            Destroy();
            Loop.ReportUncaught(ex);
        }
    }

    /// <summary>Node's lookupAndConnect / lookupAndConnectMultiple.</summary>
    private async Task LookupAndConnectAsync(string host, int port, SocketConnectOptions o, CancellationToken cancel)
    {
        var autoSelect = (o.AutoSelectFamily ?? Net.GetDefaultAutoSelectFamily()) && o.Family == 0 && o.LocalAddress is null;
        IPAddress[] addresses;
        try
        {
            addresses = o.Lookup is { } lookup
                ? await lookup(host, cancel)
                : await Dns.GetHostAddressesAsync(host, FamilyFilter(o.Family), cancel);
            addresses = [.. addresses.Where(a => o.Family == 0 || FamilyOf(a) == o.Family)];
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            if (!StillConnecting(cancel))
            {
                return;
            }
            var error = NodeErrors.Lookup(ex, host);
            Emit("lookup", error, null, null, host);
            Destroy(error);
            return;
        }
        if (!StillConnecting(cancel))
        {
            return;
        }
        if (!autoSelect)
        {
            var first = addresses[0];
            Emit("lookup", null, AddressInfo.FormatAddress(first), FamilyOf(first), host);
            if (StillConnecting(cancel))
            {
                await ConnectOneAsync(new IPEndPoint(first, port), AddressInfo.FormatAddress(first), port, FamilyOf(first), o, attemptTimeoutMs: null, failures: null, cancel);
            }
            return;
        }
        foreach (var a in addresses)
        {
            Emit("lookup", null, AddressInfo.FormatAddress(a), FamilyOf(a), host);
            if (!StillConnecting(cancel))
            {
                return;
            }
        }
        var toAttempt = Interleave(addresses);
        if (toAttempt.Count == 1)
        {
            var only = toAttempt[0];
            await ConnectOneAsync(new IPEndPoint(only, port), AddressInfo.FormatAddress(only), port, FamilyOf(only), o, attemptTimeoutMs: null, failures: null, cancel);
            return;
        }
        await ConnectMultipleAsync(toAttempt, port, o, cancel);
    }

    /// <summary>Node's afterConnect: the socket is open; <c>"connect"</c>, <c>"ready"</c>, the queued writes, then reading.</summary>
    private void AfterConnect(RawSocket raw)
    {
        var handle = ConnectionHandle.Owned(TransportFactory.Create(raw));
        var client = _client!;
        handle.SetNoDelay(client.NoDelay);
        if (client.KeepAlive)
        {
            handle.SetKeepAlive(true, client.KeepAliveInitialDelay);
        }
        lock (Sync)
        {
            _handle = handle;
            EndConnectingLocked();
            if (_read.IsPaused)
            {
                // Paused before it connected: Node's afterConnect does not start reading.
                _read.HoldUntilResumed();
            }
        }
        OnActivity();
        Emit("connect");
        Emit("ready");
        lock (Sync)
        {
            // What FlushOnConnect did not send (an end() with nothing written goes out here).
            PumpWritesLocked();
        }
        StartReading();
    }

    /// <summary>False once the socket was destroyed (or its signal fired) while connecting: the connect stops quietly.</summary>
    private bool StillConnecting(CancellationToken cancel)
    {
        lock (Sync)
        {
            return ConnectingLocked && !_destroyed && !cancel.IsCancellationRequested;
        }
    }

    /// <summary>Called by Destroy: abandons a connect in progress.</summary>
    private void CancelConnectLocked()
    {
        if (_client is not { Connecting: true } client)
        {
            return;
        }
        client.ConnectCancel?.Cancel();
        EndConnectingLocked();
    }

    private void EndConnectingLocked()
    {
        var client = _client!;
        client.Connecting = false;
        client.ConnectCancel?.Dispose();
        client.ConnectCancel = null;
    }

    /// <summary>Node's _undestroy before a second connect: the stream state starts over.</summary>
    private void ReopenLocked()
    {
        _destroyed = false;
        _hadError = false;
        _closeEmitted = false;
        _remoteObserved = false;
        _handle = default;
        _read = _read.Reopened();
        _write = default;
        _readLoopState = ReadLoopState.NotStarted;
        _readable?.Clear();
        _inbox?.Clear();
        _hasInboxHead = false;
        _drainScheduled = false;
        _client!.AttemptedAddresses = null;
        _client.FlushOnConnectAdded = false;
    }
}
