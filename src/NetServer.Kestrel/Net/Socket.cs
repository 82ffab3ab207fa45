using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using NetServer.Events;
using NetServer.Internal;
using NetServer.Kestrel;
using RawSocket = System.Net.Sockets.Socket;

using NetServer.Streams;

namespace NetServer;

/// <summary>
/// Node's server-side <c>net.Socket</c> over one Kestrel <see cref="ConnectionContext"/>: reads from
/// <c>Transport.Input</c>, writes to <c>Transport.Output</c>, and emits <c>"data"</c>, <c>"end"</c>,
/// <c>"finish"</c>, <c>"close"</c>, <c>"error"</c>, <c>"drain"</c> and <c>"timeout"</c> on its loop
/// with Node's stream rules (buffering until a reader exists, backpressure, half-close, autoDestroy).
/// </summary>
/// <remarks>Every public member may be called from any thread; events are delivered on <see cref="Loop"/>.</remarks>
public sealed partial class Socket : EventEmitter<Socket>, ILoopWorkItem
{
    private readonly ISocketOwner? _owner;
    private ConnectionHandle _handle;
    private bool _destroyed;
    private bool _hadError;
    private bool _remoteObserved;
    private LoopRef _loopRef;
    private bool _closeEmitted;
    private LoopTimer? _idleTimer;
    private int? _timeout;
    private long _lastActivity;

    /// <summary>An accepted socket: <paramref name="handle"/> is connected, <paramref name="owner"/> counts it.</summary>
    internal Socket(ISocketOwner owner, EventLoop loop, ConnectionHandle handle, ServerOptions options)
    {
        _owner = owner;
        Loop = loop;
        AllowHalfOpen = options.AllowHalfOpen;
        ReadableHighWaterMark = options.EffectiveHighWaterMark;
        WritableHighWaterMark = options.EffectiveHighWaterMark;
        if (options.PauseOnConnect)
        {
            _read.HoldUntilResumed();
        }
        _handle = handle;
        handle.SetNoDelay(options.NoDelay);
        if (options.KeepAlive)
        {
            handle.SetKeepAlive(true, options.EffectiveKeepAliveInitialDelay);
        }
        _lastActivity = Loop.Now;
        _loopRef.Update(Loop, active: true);
    }

    /// <summary>The loop on which this socket's events are emitted.</summary>
    public EventLoop Loop { get; }

    /// <summary>The server that accepted this socket (Node's <c>socket.server</c>).</summary>
    public Server? Server => _owner as Server;

    /// <summary>
    /// <b>Beyond Node:</b> the Kestrel connection underneath, for zero-copy work on
    /// <c>Transport.Input</c>/<c>Output</c>. Reading or writing it directly bypasses this socket's
    /// events and counters; do it only on a socket you have paused and will not write through.
    /// </summary>
    public ConnectionContext? Connection => _handle.Connection;

    /// <summary>The peer's IP, e.g. <c>'::ffff:127.0.0.1'</c> on a dual-stack server; null on IPC sockets, and after close unless read while open (Node).</summary>
    public string? RemoteAddress => ObserveRemote() is { } r ? AddressInfo.FormatAddress(r.Address) : null;

    /// <summary>The peer's port; null on IPC sockets.</summary>
    public int? RemotePort => ObserveRemote()?.Port;

    /// <summary><c>"IPv4"</c> or <c>"IPv6"</c>; null on IPC sockets.</summary>
    public string? RemoteFamily => ObserveRemote() is { } r ? AddressInfo.FamilyOf(r.Address) : null;

    /// <summary>The local IP the peer connected to; null on IPC sockets and after destroy (Node clears it).</summary>
    public string? LocalAddress => LiveLocal() is { } l ? AddressInfo.FormatAddress(l.Address) : null;

    /// <summary>The local port; null on IPC sockets and after destroy.</summary>
    public int? LocalPort => LiveLocal()?.Port;

    /// <summary>The local family; null on IPC sockets and after destroy.</summary>
    public string? LocalFamily => LiveLocal() is { } l ? AddressInfo.FamilyOf(l.Address) : null;

    /// <summary>True once <see cref="Destroy"/> has run (by the user, an error, or the end of both sides).</summary>
    public bool Destroyed
    {
        get
        {
            lock (Sync)
            {
                return _destroyed;
            }
        }
    }

    /// <summary>Inherited from <see cref="ServerOptions.AllowHalfOpen"/>.</summary>
    public bool AllowHalfOpen { get; }

    /// <summary>The idle timeout set by <see cref="SetTimeout"/>; null until set.</summary>
    public int? Timeout => _timeout;

    /// <summary><c>"opening"</c> while a client connects, then <c>"open"</c>, <c>"readOnly"</c>, <c>"writeOnly"</c> or <c>"closed"</c>.</summary>
    public string ReadyState
    {
        get
        {
            lock (Sync)
            {
                if (ConnectingLocked)
                {
                    return "opening";
                }
                var readable = ReadableLocked;
                var writable = WritableLocked;
                return readable && writable ? "open" : readable ? "readOnly" : writable ? "writeOnly" : "closed";
            }
        }
    }

    /// <summary>Node's <c>address()</c>: the local <see cref="AddressInfo"/>; null on IPC sockets and after destroy.</summary>
    /// <returns>The local address, or null.</returns>
    public object? Address() => AddressInfo.From(LiveLocal());

    /// <summary>
    /// Closes the connection and releases it: pending writes fail with <c>ERR_STREAM_DESTROYED</c>;
    /// with <paramref name="error"/>, <c>"error"</c> is emitted, then <c>"close"</c>(true).
    /// </summary>
    /// <param name="error">The error to report, if any.</param>
    /// <returns>This socket.</returns>
    public Socket Destroy(Exception? error = null)
    {
        List<Action<Exception?>>? orphaned = null;
        List<Action>? finishCallbacks;
        bool readLoopRunning;
        lock (Sync)
        {
            if (_destroyed)
            {
                return this;
            }
            _destroyed = true;
            _hadError = error is not null;
            CancelConnectLocked();
            if (_handle.IsOpen)
            {
                orphaned = TakeQueuedCallbacksLocked();
            }
            else if (_client is { } client)
            {
                // Never connected: the writes fail when "close" is emitted (Node's pending data).
                client.UnsentBeforeConnection = TakeQueuedWritesLocked();
                client.DestroyError = error;
            }
            finishCallbacks = _write.Finished ? null : _finishCallbacks;
            _finishCallbacks = null;
            SignalReadPermitLocked();
            readLoopRunning = _readLoopState == ReadLoopState.Running;
        }
        _idleTimer?.Dispose();
        AbortZeroCopy();
        _owner?.OnSocketDestroyed();
        if (_handle.IsOpen)
        {
            if (readLoopRunning)
            {
                // Wakes a pending ReadAsync; the read loop then completes the reader itself.
                _handle.Input.CancelPendingRead();
            }
            // Completing the output makes Kestrel's send loop flush, send FIN and close the socket.
            _handle.Output.Complete();
            if (!readLoopRunning)
            {
                // Otherwise the read loop releases it once it has seen the cancellation.
                _handle.Release();
            }
        }
        if (orphaned is not null)
        {
            var destroyedError = error ?? NodeErrors.StreamDestroyed("write");
            foreach (var cb in orphaned)
            {
                Loop.NextTick(() => cb(destroyedError));
            }
        }
        if (error is not null)
        {
            Loop.NextTick(() => Emit1("error", error));
        }
        if (finishCallbacks is not null)
        {
            // Node's end(cb) is a finished() callback: a destroy before "finish" calls it too, after "error".
            Loop.NextTick(() => finishCallbacks.ForEach(cb => cb()));
        }
        Loop.Post(EmitClose);
        return this;
    }

    /// <summary>Closes the TCP connection with a RST (Node's <c>resetAndDestroy()</c>); throws <c>ERR_INVALID_HANDLE_TYPE</c> on IPC sockets.</summary>
    /// <returns>This socket.</returns>
    public Socket ResetAndDestroy()
    {
        if (_handle.IsOpen && _handle.IsPipe)
        {
            throw NodeErrors.InvalidHandleType();
        }
        if (!Destroyed && _handle.IsOpen)
        {
            _handle.Reset();
        }
        return Destroy();
    }

    /// <summary>Ends the writable side, then destroys once everything is flushed (Node's <c>destroySoon()</c>).</summary>
    public void DestroySoon()
    {
        bool finished;
        lock (Sync)
        {
            finished = _write.Finished;
        }
        if (finished)
        {
            Destroy();
            return;
        }
        Once("finish", () => Destroy());
        End();
    }

    /// <summary>Sets the idle timeout: <c>"timeout"</c> is emitted once per idle period; the socket stays open. 0 disables.</summary>
    /// <param name="ms">Milliseconds of inactivity; 0 disables.</param>
    /// <param name="cb">Added as a once <c>"timeout"</c> listener (removed when <paramref name="ms"/> is 0).</param>
    /// <returns>This socket.</returns>
    public Socket SetTimeout(int ms, Action? cb = null)
    {
        if (ms < 0)
        {
            throw NodeErrors.OutOfRange("msecs", "a non-negative finite number", ms);
        }
        // Under the socket's lock: SetTimeout may be called from any thread while the loop's
        // timer callback reads the same fields.
        lock (Sync)
        {
            _timeout = ms;
            if (ms == 0)
            {
                _idleTimer?.Dispose();
                if (cb is not null)
                {
                    Off("timeout", cb);
                }
                return this;
            }
            if (cb is not null)
            {
                Once("timeout", cb);
            }
            _lastActivity = Loop.Now;
            if (_idleTimer is null)
            {
                _idleTimer = Loop.SetTimeout(OnIdleTimer, ms).Unref();
            }
            else
            {
                _idleTimer.Refresh(ms);
            }
        }
        return this;
    }

    /// <summary>Enables or disables Nagle's algorithm (no-op on IPC sockets).</summary>
    /// <param name="noDelay">True disables Nagle.</param>
    /// <returns>This socket.</returns>
    public Socket SetNoDelay(bool noDelay = true)
    {
        if (!Destroyed)
        {
            _handle.SetNoDelay(noDelay);
        }
        return this;
    }

    /// <summary>Enables or disables TCP keep-alive (no-op on IPC sockets).</summary>
    /// <param name="enable">True enables keep-alive probes.</param>
    /// <param name="initialDelayMs">Idle time before the first probe, in milliseconds (whole seconds are used, as Node).</param>
    /// <returns>This socket.</returns>
    public Socket SetKeepAlive(bool enable = false, int initialDelayMs = 0)
    {
        if (!Destroyed)
        {
            _handle.SetKeepAlive(enable, Math.Max(0, initialDelayMs));
        }
        return this;
    }

    /// <summary>Lets the loop finish while this socket is open (Node's <c>unref()</c>).</summary>
    /// <returns>This socket.</returns>
    public Socket Unref()
    {
        lock (Sync)
        {
            _loopRef.SetUnref(true, Loop, IsActiveLocked);
        }
        return this;
    }

    /// <summary>Makes the socket keep the loop alive while open (the default).</summary>
    /// <returns>This socket.</returns>
    public Socket Ref()
    {
        lock (Sync)
        {
            _loopRef.SetUnref(false, Loop, IsActiveLocked);
        }
        return this;
    }

    /// <summary>Node's <c>src.pipe(dest)</c>: writes every chunk to <paramref name="destination"/>, pausing this socket while it is full.</summary>
    /// <param name="destination">The socket to write to (may be this socket: an echo).</param>
    /// <param name="end">End <paramref name="destination"/> when this socket ends.</param>
    /// <returns><paramref name="destination"/>.</returns>
    public Socket Pipe(Socket destination, bool end = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.On("drain", () => Resume());
        if (end)
        {
            Once("end", () => destination.End());
        }
        On<object>("data", chunk =>
        {
            var ok = chunk is string s ? destination.Write(s) : destination.Write((byte[])chunk);
            if (!ok)
            {
                Pause();
                // On one loop "drain" cannot run before this pause, as in Node. A destination on
                // another loop may have drained already, on its own thread, between the write and
                // the pause: its Resume came too early and would be lost. The drain clears
                // WritableNeedDrain before it is emitted, so reading the flag after pausing
                // catches that case; otherwise the coming "drain" resumes us.
                if (!ReferenceEquals(destination.Loop, Loop) && !destination.WritableNeedDrain)
                {
                    Resume();
                }
            }
        });
        return destination;
    }

    void ILoopWorkItem.Execute() => DrainInbox();

    /// <summary>The loop is gone with reads queued on it: close the connection; no event can run any more.</summary>
    void ILoopWorkItem.Abandon() => Destroy();

    private IPEndPoint? ObserveRemote()
    {
        lock (Sync)
        {
            if (_destroyed)
            {
                return _remoteObserved ? _handle.Remote : null;
            }
            _remoteObserved = _handle.Remote is not null;
            return _handle.Remote;
        }
    }

    private IPEndPoint? LiveLocal()
    {
        lock (Sync)
        {
            return _destroyed ? null : _handle.Local;
        }
    }

    private void OnActivity()
    {
        _lastActivity = Loop.Now;
        if (_timeout is > 0 and var ms && _idleTimer is { Active: false } timer && !Destroyed)
        {
            timer.Refresh(ms);
        }
    }

    private void OnIdleTimer()
    {
        if (Destroyed || _timeout is not > 0)
        {
            return;
        }
        var idle = Loop.Now - _lastActivity;
        if (idle >= _timeout.Value)
        {
            Emit("timeout");
        }
        else
        {
            _idleTimer!.Refresh((int)(_timeout.Value - idle));
        }
    }

    private void EmitClose()
    {
        bool hadError;
        List<PendingWrite>? unsent;
        lock (Sync)
        {
            hadError = _hadError;
            _closeEmitted = true;
            unsent = _client?.UnsentBeforeConnection;
            if (_client is { } client)
            {
                client.UnsentBeforeConnection = null;
            }
            UpdateLoopRefLocked();
        }
        if (_client is { } owned)
        {
            owned.SocketSignal.Dispose();
            owned.ConnectSignal.Dispose();
        }
        if (unsent is not null)
        {
            FailUnsentBeforeConnection(unsent);
        }
        Emit1("close", hadError);
    }

    // A client socket holds the loop only once it connects; an accepted one from the start. Once
    // the peer's FIN has arrived and ours is sent, libuv's handle is neither reading nor writing,
    // so it no longer keeps Node's process alive even if unread data keeps the socket open.
    private bool IsActiveLocked => !_closeEmitted && (_handle.IsOpen || ConnectingLocked) && !(_read.EofReceived && _write.Finished);

    private void UpdateLoopRefLocked() => _loopRef.Update(Loop, IsActiveLocked);
}
