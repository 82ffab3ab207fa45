using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using NetServer.Events;
using NetServer.Internal;
using NetServer.Kestrel;

using NetServer.Streams;

namespace NetServer;

/// <summary>
/// Node's <c>net.Server</c>: a TCP or IPC server whose accepts and bytes are carried by Kestrel's
/// socket transport, and whose events (<c>"listening"</c>, <c>"connection"</c>, <c>"error"</c>,
/// <c>"close"</c>, <c>"drop"</c>) arrive on its <see cref="EventLoop"/> exactly as Node emits them.
/// </summary>
/// <remarks>
/// The members mirror <c>lib/net.js</c>: <see cref="Listen(ServerListenOptions, Action?)"/> follows
/// normalizeArgs → createServerHandle → setupListenHandle; <see cref="OnConnection"/> is
/// <c>onconnection</c>; <see cref="EmitCloseIfDrained"/> is <c>_emitCloseIfDrained</c>.
/// Every public member may be called from any thread.
/// </remarks>
public sealed partial class Server : EventEmitter<Server>, IAsyncDisposable, ILoopWorkItem, ISocketOwner
{
    private const int DefaultBacklog = 511;

    private readonly Lock _sync = new();
    private readonly ServerOptions _options;
    private TransportListener? _listener;
    private string? _pipeName;
    private int _connections;
    private int _listenGeneration;
    private bool _pendingListen;
    private bool _closeRequested;
    private LoopRef _loopRef;
    private readonly EventLoop[]? _socketLoops;
    private uint _nextSocketLoop;

    // Connections of our own listener on their way to the loop. One queue and one scheduled work
    // item serve a burst of accepts, so an accept allocates no closure and no delegate.
    private readonly ConcurrentQueue<(ConnectionContext Connection, int Generation)> _accepted = new();
    private int _acceptsScheduled;
    private CancellationTokenRegistration _signalRegistration;

    // Middleware added with Use, in front of the terminal that turns a connection into a Socket.
    private readonly ConnectionPipeline _pipeline = new();
    private readonly ConnectionDelegate _terminal;

    /// <summary>Creates a server with default options (Node's <c>new net.Server([connectionListener])</c>).</summary>
    /// <param name="connectionListener">Added as a <c>"connection"</c> listener.</param>
    public Server(Action<Socket>? connectionListener = null)
        : this(new ServerOptions(), connectionListener)
    {
    }

    /// <summary>Creates a server (Node's <c>new net.Server(options[, connectionListener])</c>).</summary>
    /// <param name="options">Server options; copied, so later changes to the object do not affect this server. Null means the defaults, as in Node.</param>
    /// <param name="connectionListener">Added as a <c>"connection"</c> listener.</param>
    public Server(ServerOptions options, Action<Socket>? connectionListener = null)
    {
        // Node accepts null and undefined options as {}.
        _options = options?.Clone() ?? new ServerOptions();
        Loop = _options.Loop ?? EventLoop.Default;
        if (_options.Loops is { Count: > 0 } loops)
        {
            if (loops.Any(l => l is null))
            {
                throw NodeErrors.InvalidArgValue("options.loops", "null", "must not contain null");
            }
            _socketLoops = [.. loops];
        }
        _terminal = AdmitFromPipelineAsync;
        if (connectionListener is not null)
        {
            On("connection", connectionListener);
        }
    }

    /// <summary>The loop on which this server's and its sockets' events are emitted.</summary>
    public EventLoop Loop { get; }

    /// <summary>True while the server has a listening handle (false again synchronously inside <see cref="Close"/>).</summary>
    public bool Listening
    {
        get
        {
            lock (_sync)
            {
                return _listener is not null;
            }
        }
    }

    /// <summary>
    /// When set, a connection arriving while <see cref="GetConnections"/> would report this many or
    /// more is accepted and closed at once and <c>"drop"</c> is emitted. Null means unlimited; 0 or
    /// negative drops every connection (Node ≥ 21). Takes effect from the next accept.
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>The number of live connections. Node removed this property (DEP0020); use <see cref="GetConnections"/>.</summary>
    [Obsolete("Node removed server.connections (DEP0020); use GetConnections.")]
    public int Connections
    {
        get
        {
            lock (_sync)
            {
                return _connections;
            }
        }
    }

    /// <summary>The options accepted sockets inherit.</summary>
    internal ServerOptions Options => _options;

    /// <summary>
    /// Node's <c>server.address()</c>: an <see cref="AddressInfo"/> while an IP server listens, the
    /// path string for an IPC server (kept after close and after a failed listen, as Node does), else null.
    /// </summary>
    /// <returns>The address, or null.</returns>
    public object? Address()
    {
        lock (_sync)
        {
            if (_pipeName is not null)
            {
                return _pipeName;
            }
            return AddressInfo.From(_listener?.LocalEndPoint);
        }
    }

    /// <summary>Calls back asynchronously (at nextTick priority) with the number of live connections.</summary>
    /// <param name="callback">Receives <c>(null, count)</c>.</param>
    /// <returns>This server.</returns>
    public Server GetConnections(Action<Exception?, int> callback)
    {
        if (callback is null)
        {
            throw NodeErrors.InvalidArgType("callback", "of type function", null);
        }
        Loop.NextTick(() =>
        {
            int count;
            lock (_sync)
            {
                count = _connections;
            }
            callback(null, count);
        });
        return this;
    }

    /// <summary>Task form of <see cref="GetConnections"/>.</summary>
    /// <returns>The number of live connections, read on the loop.</returns>
    public Task<int> GetConnectionsAsync()
    {
        var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        GetConnections((_, n) => tcs.TrySetResult(n));
        return tcs.Task;
    }

    /// <summary>Lets the loop finish while this server still listens (Node's <c>unref()</c>; remembered before <c>Listen</c>).</summary>
    /// <returns>This server.</returns>
    public Server Unref()
    {
        lock (_sync)
        {
            _loopRef.SetUnref(true, Loop, IsActiveLocked);
        }
        return this;
    }

    /// <summary>Makes the server keep the loop alive while it listens (the default).</summary>
    /// <returns>This server.</returns>
    public Server Ref()
    {
        lock (_sync)
        {
            _loopRef.SetUnref(false, Loop, IsActiveLocked);
        }
        return this;
    }

    /// <summary>
    /// Stops accepting at once; existing connections are untouched. <c>"close"</c> is emitted when
    /// the last connection has ended. On a server that is not listening, <c>"close"</c> is still
    /// emitted and <paramref name="callback"/> receives <c>ERR_SERVER_NOT_RUNNING</c>.
    /// </summary>
    /// <param name="callback">Runs on the next <c>"close"</c>: with null on success.</param>
    /// <returns>This server.</returns>
    public Server Close(Action<Exception?>? callback = null)
    {
        TransportListener? listener;
        lock (_sync)
        {
            if (callback is not null)
            {
                if (_listener is null)
                {
                    Once("close", () => callback(NodeErrors.ServerNotRunning()));
                }
                else
                {
                    Once("close", () => callback(null));
                }
            }
            listener = _listener;
            _listener = null;
            _pendingListen = false;
            _closeRequested = true;
            _listenGeneration++;
            _signalRegistration.Dispose();
            _signalRegistration = default;
            UpdateLoopRefLocked();
        }
        listener?.Stop();
        EmitCloseIfDrained();
        return this;
    }

    /// <summary>Task form of <see cref="Close"/>: completes on <c>"close"</c>, faulted with <c>ERR_SERVER_NOT_RUNNING</c> if the server was not running.</summary>
    /// <returns>A task that completes when the server has closed.</returns>
    public Task CloseAsync()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Close(err =>
        {
            if (err is null)
            {
                tcs.TrySetResult();
            }
            else
            {
                tcs.TrySetException(err);
            }
        });
        return tcs.Task;
    }

    /// <summary>
    /// Node's <c>server[Symbol.asyncDispose]()</c>: closes a listening server and completes after the
    /// <c>"close"</c> listeners ran; on a server that is not listening it completes at once without closing.
    /// </summary>
    /// <returns>A task that completes when the server is closed.</returns>
    public ValueTask DisposeAsync()
    {
        lock (_sync)
        {
            if (_listener is null && !_pendingListen)
            {
                return ValueTask.CompletedTask;
            }
        }
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Close(_ => Loop.NextTick(() => tcs.TrySetResult()));
        return new ValueTask(tcs.Task);
    }

    /// <summary>
    /// Adds Kestrel-style connection middleware in front of this server's sockets (the shape of
    /// <c>IConnectionBuilder.Use</c>): every connection, from this server's own listener or from
    /// <see cref="NetServerConnectionBuilderExtensions.UseNetServer"/>, runs through the middleware in
    /// the order added before it becomes a <see cref="Socket"/>. <b>Beyond Node.</b>
    /// </summary>
    /// <param name="middleware">Receives the next delegate and returns the one to call instead.</param>
    /// <returns>This server.</returns>
    /// <remarks>
    /// Connections accepted after the call use it. A middleware may replace
    /// <c>ConnectionContext.Transport</c> (TLS does): the socket then reads and writes the new pipe,
    /// and a write callback means "accepted by that pipe" rather than "handed to the kernel". With
    /// no middleware, connections take a direct path that costs nothing extra.
    /// </remarks>
    public Server Use(Func<ConnectionDelegate, ConnectionDelegate> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _pipeline.Use(middleware);
        return this;
    }

    /// <summary>The entry for a connection of a user's Kestrel (<c>UseNetServer</c>): the pipeline, then a socket.</summary>
    /// <param name="connection">The connection Kestrel's own middleware handed on.</param>
    /// <returns>Completes when the socket is done with the connection (or at once when it is dropped).</returns>
    internal Task OnConnection(ConnectionContext connection) =>
        _pipeline.Build(_terminal) is { } pipeline ? pipeline(connection) : AdmitFromPipelineAsync(connection);

    /// <summary>The pipeline's terminal: admit the connection on the loop; its caller disposes it once we are done.</summary>
    private Task AdmitFromPipelineAsync(ConnectionContext connection)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = ConnectionHandle.FromPipeline(connection, done, ConnectionPipeline.HasOwnTransport(connection));
        Loop.Dispatch(() => Admit(handle));
        return done.Task;
    }

    /// <summary>A connection accepted by our own listener: nobody awaits it, the socket releases it when done.</summary>
    /// <param name="connection">The transport connection.</param>
    /// <param name="fromListenGeneration">The listen it was accepted on.</param>
    private void OnOwnConnection(ConnectionContext connection, int fromListenGeneration)
    {
        _accepted.Enqueue((connection, fromListenGeneration));
        if (Interlocked.Exchange(ref _acceptsScheduled, 1) == 0)
        {
            Loop.Dispatch(this);
        }
    }

    /// <summary>Connections accepted by our listener and not yet taken by the loop (tests observe the batching).</summary>
    internal int QueuedAccepts => _accepted.Count;

    /// <summary>On the loop: takes every connection accepted so far, in order.</summary>
    void ILoopWorkItem.Execute()
    {
        // Cleared before draining: an accept that lands after this schedules a new run, and one
        // that lands before it is drained below.
        Volatile.Write(ref _acceptsScheduled, 0);
        while (_accepted.TryDequeue(out var accepted))
        {
            try
            {
                AcceptOwnOnLoop(accepted.Connection, accepted.Generation);
            }
            catch
            {
                // A throwing "connection" listener goes on to the loop's error handling (uncaughtException);
                // the connections behind it still get their turn.
                if (!_accepted.IsEmpty && Interlocked.Exchange(ref _acceptsScheduled, 1) == 0)
                {
                    Loop.Post(this);
                }
                throw;
            }
        }
    }

    /// <summary>The loop is gone: connections accepted for it are closed, as if accepted after <c>close()</c>.</summary>
    void ILoopWorkItem.Abandon()
    {
        // Cleared first, so an accept landing later is abandoned by its own dispatch.
        Volatile.Write(ref _acceptsScheduled, 0);
        while (_accepted.TryDequeue(out var accepted))
        {
            TransportFactory.Release(accepted.Connection);
        }
    }

    /// <summary>A socket was destroyed: Node decrements the count synchronously in <c>destroy()</c>.</summary>
    void ISocketOwner.OnSocketDestroyed()
    {
        bool closing;
        lock (_sync)
        {
            _connections--;
            // Node's check is "no handle": a server fed by a user's Kestrel never has one, so only
            // a server that was asked to close emits "close" when its last connection goes.
            closing = _closeRequested;
        }
        if (closing)
        {
            EmitCloseIfDrained();
        }
    }

    /// <summary>Node's <c>_emitCloseIfDrained</c>: schedule <c>"close"</c> once there is no handle and no connection.</summary>
    internal void EmitCloseIfDrained()
    {
        lock (_sync)
        {
            if (_listener is not null || _connections > 0)
            {
                return;
            }
        }
        Loop.NextTick(() => Emit("close"));
    }

    /// <summary>On the loop: a connection our own listener accepted, in Node's <c>onconnection</c> order.</summary>
    /// <param name="connection">The accepted connection.</param>
    /// <param name="generation">The listen it was accepted on.</param>
    private void AcceptOwnOnLoop(ConnectionContext connection, int generation)
    {
        lock (_sync)
        {
            if (generation != _listenGeneration || _listener is null)
            {
                // Accepted just before Close(): Node would never have seen it.
                TransportFactory.Release(connection);
                return;
            }
        }
        if (_pipeline.Build(_terminal) is { } pipeline)
        {
            ConnectionPipeline.RunOwned(pipeline, connection, Loop);
            return;
        }
        Admit(ConnectionHandle.Owned(connection));
    }

    /// <summary>On the loop: the <c>maxConnections</c> gate, the count, then a socket and <c>"connection"</c>.</summary>
    private void Admit(ConnectionHandle handle)
    {
        int? max;
        lock (_sync)
        {
            max = MaxConnections;
            if (max is null || _connections < max.Value)
            {
                _connections++;
                max = null;
            }
        }
        if (max is not null)
        {
            Drop(handle);
            handle.Release();
            return;
        }
        if (_socketLoops is { } loops)
        {
            // Multi-loop mode: the socket lives on its own loop from its "connection" event on.
            var loop = loops[_nextSocketLoop++ % (uint)loops.Length];
            var spread = new Socket(this, loop, handle, _options);
            loop.Post(() => EmitConnection(spread));
            return;
        }
        EmitConnection(new Socket(this, Loop, handle, _options));
    }

    private void EmitConnection(Socket socket)
    {
        try
        {
            Emit1("connection", socket);
        }
        finally
        {
            // Node starts reading before emitting "connection"; a throwing listener must not
            // leave the socket deaf (the exception itself goes on to "uncaughtException").
            socket.StartReading();
        }
    }

    private void Drop(ConnectionHandle handle)
    {
        if (handle.Local is { } local && handle.Remote is { } remote)
        {
            Emit1("drop", new DropArgument
            {
                LocalAddress = AddressInfo.FormatAddress(local.Address),
                LocalPort = local.Port,
                LocalFamily = AddressInfo.FamilyOf(local.Address),
                RemoteAddress = AddressInfo.FormatAddress(remote.Address),
                RemotePort = remote.Port,
                RemoteFamily = AddressInfo.FamilyOf(remote.Address),
            });
        }
        else
        {
            Emit("drop");
        }
    }

    /// <summary>Holds one loop ref while listening or about to, unless unref'd (Node's handle ref).</summary>
    private bool IsActiveLocked => _listener is not null || _pendingListen;

    private void UpdateLoopRefLocked() => _loopRef.Update(Loop, IsActiveLocked);
}
