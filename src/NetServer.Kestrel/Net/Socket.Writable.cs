using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using NetServer.Internal;

using NetServer.Streams;

namespace NetServer;

/// <summary>
/// The writable side: Node's write queue over Kestrel's output pipe. One flush is in flight at a
/// time; writes made meanwhile are queued and go out together in the next flush (like writev).
/// </summary>
public sealed partial class Socket
{
    // Writes wait here only while a flush is in flight or the socket is corked (created on first need).
    private Queue<PendingWrite>? _writeQueue;
    private List<Action>? _finishCallbacks;


    // The flush in flight (one at a time): its bytes and the callbacks to run when it completes.
    private List<Action<Exception?>>? _flushCallbacks;
    private WritableState _write;

    /// <summary>Bytes written so far, including bytes still queued (Node counts them at <c>write()</c>); kept after close.</summary>
    public long BytesWritten
    {
        get
        {
            lock (Sync)
            {
                return _write.BytesWritten;
            }
        }
    }

    /// <summary>True while <see cref="Write(byte[], Action{Exception?}?)"/> is allowed (not ended, not destroyed).</summary>
    public bool Writable
    {
        get
        {
            lock (Sync)
            {
                return WritableLocked;
            }
        }
    }

    /// <summary>True once <see cref="End(Action?)"/> has been called.</summary>
    public bool WritableEnded
    {
        get
        {
            lock (Sync)
            {
                return _write.Ending;
            }
        }
    }

    /// <summary>True once <c>"finish"</c> has been emitted: every byte was handed to the kernel and FIN sent.</summary>
    public bool WritableFinished
    {
        get
        {
            lock (Sync)
            {
                return _write.Finished;
            }
        }
    }

    /// <summary>True after a write returned false, until <c>"drain"</c>.</summary>
    public bool WritableNeedDrain
    {
        get
        {
            lock (Sync)
            {
                return _write.NeedDrain;
            }
        }
    }

    /// <summary>Bytes written but not yet handed to the kernel.</summary>
    public long WritableLength
    {
        get
        {
            lock (Sync)
            {
                return _write.Length;
            }
        }
    }

    /// <summary>The writable high-water mark in bytes (from <see cref="ServerOptions.HighWaterMark"/>).</summary>
    public int WritableHighWaterMark { get; }

    private bool WritableLocked => !_destroyed && !_write.Ending;

    /// <summary>
    /// Queues <paramref name="data"/> for sending. Returns false once the unsent bytes reach the
    /// high-water mark; <c>"drain"</c> follows when they have all been handed to the kernel.
    /// </summary>
    /// <param name="data">The bytes; the socket keeps a reference until sent, so do not reuse the array.</param>
    /// <param name="cb">Called with null once handed to the kernel, or with the error.</param>
    /// <returns>False when the caller should wait for <c>"drain"</c>.</returns>
    public bool Write(byte[] data, Action<Exception?>? cb = null)
    {
        if (data is null)
        {
            throw NodeErrors.NullValues();
        }
        return WriteCore(data, cb);
    }

    /// <summary>Writes <paramref name="data"/> encoded as UTF-8.</summary>
    /// <param name="data">The text.</param>
    /// <param name="cb">Called with null once handed to the kernel, or with the error.</param>
    /// <returns>False when the caller should wait for <c>"drain"</c>.</returns>
    public bool Write(string data, Action<Exception?>? cb = null) => Write(data, "utf8", cb);

    /// <summary>Writes <paramref name="data"/> in a Node encoding (<c>utf8</c>, <c>hex</c>, <c>base64</c>, <c>latin1</c>...).</summary>
    /// <param name="data">The text.</param>
    /// <param name="encoding">The encoding; unknown names throw <c>ERR_UNKNOWN_ENCODING</c>.</param>
    /// <param name="cb">Called with null once handed to the kernel, or with the error.</param>
    /// <returns>False when the caller should wait for <c>"drain"</c>.</returns>
    public bool Write(string data, string encoding, Action<Exception?>? cb = null)
    {
        if (data is null)
        {
            throw NodeErrors.NullValues();
        }
        return WriteCore(NodeEncoding.GetBytes(data, NodeEncoding.Normalize(encoding ?? "utf8")), cb);
    }

    /// <summary>Ends the writable side: FIN is sent after every queued byte; <paramref name="cb"/> and <c>"finish"</c> follow.</summary>
    /// <param name="cb">Runs on finish, before the <c>"finish"</c> listeners.</param>
    /// <returns>This socket.</returns>
    public Socket End(Action? cb = null) => EndCore(null, cb);

    /// <summary>Writes <paramref name="data"/>, then ends.</summary>
    /// <param name="data">The last bytes.</param>
    /// <param name="cb">Runs on finish; on the next tick instead if the socket was already ended or destroyed (the data is refused, as Node).</param>
    /// <returns>This socket.</returns>
    public Socket End(byte[] data, Action? cb = null) => EndCore(data ?? throw NodeErrors.NullValues(), cb);

    /// <summary>Writes <paramref name="data"/> as UTF-8, then ends.</summary>
    /// <param name="data">The last text.</param>
    /// <param name="cb">Runs on finish; on the next tick instead if the socket was already ended or destroyed (the data is refused, as Node).</param>
    /// <returns>This socket.</returns>
    public Socket End(string data, Action? cb = null) => End(data, "utf8", cb);

    /// <summary>Writes <paramref name="data"/> in <paramref name="encoding"/>, then ends.</summary>
    /// <param name="data">The last text.</param>
    /// <param name="encoding">A Node encoding name.</param>
    /// <param name="cb">Runs on finish; on the next tick instead if the socket was already ended or destroyed (the data is refused, as Node).</param>
    /// <returns>This socket.</returns>
    public Socket End(string data, string encoding, Action? cb = null) =>
        EndCore(NodeEncoding.GetBytes(data ?? throw NodeErrors.NullValues(), NodeEncoding.Normalize(encoding ?? "utf8")), cb);

    /// <summary>Buffers writes until <see cref="Uncork"/> (calls nest, as Node).</summary>
    /// <returns>This socket.</returns>
    public Socket Cork()
    {
        lock (Sync)
        {
            _write.Cork();
        }
        return this;
    }

    /// <summary>Releases one <see cref="Cork"/>; the last one sends everything buffered in one flush.</summary>
    /// <returns>This socket.</returns>
    public Socket Uncork()
    {
        lock (Sync)
        {
            if (_write.Uncork())
            {
                PumpWritesLocked();
            }
        }
        return this;
    }

    private bool WriteCore(byte[] data, Action<Exception?>? cb) => WriteCore(new ReadOnlySequence<byte>(data), data, cb);

    /// <param name="data">The bytes to send.</param>
    /// <param name="array">The same bytes as an array the caller gave up (queued as is), or null to copy when queueing.</param>
    /// <param name="cb">The write callback.</param>
    private bool WriteCore(ReadOnlySequence<byte> data, byte[]? array, Action<Exception?>? cb)
    {
        Exception? refused = null;
        bool destroyOnRefusal;
        var addFlushOnConnect = false;
        var ok = false;
        lock (Sync)
        {
            if (_destroyed)
            {
                refused = NodeErrors.StreamDestroyed("write");
                destroyOnRefusal = false;
            }
            else if (_write.Ending)
            {
                refused = _write.EndedByPeer ? NodeErrors.EndedByPeer() : NodeErrors.WriteAfterEnd();
                destroyOnRefusal = true;
            }
            else if (!_handle.IsOpen && !ConnectingLocked)
            {
                // A client socket that was never connected has nowhere to send (Node: ERR_SOCKET_CLOSED).
                refused = ConnectErrors.SocketClosed();
                destroyOnRefusal = true;
            }
            else
            {
                // Node's writeOrBuffer decides before the write is attempted: a chunk that reaches the
                // mark returns false (and "drain" follows) even when the kernel takes it at once.
                ok = _write.Accept(data.Length, WritableHighWaterMark);
                if (!_write.Flushing && !_write.Corked && _handle.IsOpen && (_writeQueue is null || _writeQueue.Count == 0))
                {
                    // Nothing ahead of it: straight into the transport's pipe, no queueing.
                    AddToFlushLocked(data, cb);
                    FlushLocked();
                }
                else
                {
                    (_writeQueue ??= new Queue<PendingWrite>(2)).Enqueue(new PendingWrite(array ?? data.ToArray(), cb));
                    if (_client is { Connecting: true, FlushOnConnectAdded: false } client)
                    {
                        client.FlushOnConnectAdded = true;
                        addFlushOnConnect = true;
                    }
                    PumpWritesLocked();
                }
                destroyOnRefusal = false;
                _lastActivity = Loop.Now;
            }
        }
        if (refused is null)
        {
            if (addFlushOnConnect)
            {
                Once("connect", FlushOnConnect);
            }
            return ok;
        }
        if (cb is not null)
        {
            CallBackOnNextTick(cb, refused);
        }
        if (destroyOnRefusal)
        {
            Destroy(refused);
        }
        return false;
    }

    private void CallBackOnNextTick(Action<Exception?> cb, Exception? error) => Loop.NextTick(() => cb(error));

    private Socket EndCore(byte[]? data, Action? cb)
    {
        if (data is not null)
        {
            bool refused;
            lock (Sync)
            {
                refused = _destroyed || _write.Ending;
            }
            WriteCore(data, null);
            if (refused)
            {
                // Node's end(chunk, cb) on an ended or destroyed stream: the write's error is
                // reported (WriteCore), then cb runs on the next tick instead of waiting for a finish.
                if (cb is not null)
                {
                    Loop.NextTick(cb);
                }
                return this;
            }
        }
        lock (Sync)
        {
            if (cb is not null)
            {
                if (_write.Finished)
                {
                    Loop.NextTick(cb);
                }
                else
                {
                    (_finishCallbacks ??= []).Add(cb);
                }
            }
            if (!_write.BeginEnd())
            {
                return this;
            }
            if (!_destroyed)
            {
                PumpWritesLocked();
            }
        }
        return this;
    }

    /// <summary>Sends what is queued unless a flush is in flight or the socket is corked; finishes after the last byte when ending.</summary>
    private void PumpWritesLocked()
    {
        // A client socket queues everything until it is connected (Node's pending data).
        if (!_handle.IsOpen)
        {
            return;
        }
        while (!_destroyed && !_write.Flushing && !_write.Corked && _writeQueue is { Count: > 0 } queue)
        {
            while (queue.TryDequeue(out var write))
            {
                AddToFlushLocked(new ReadOnlySequence<byte>(write.Data), write.Callback);
            }
            FlushLocked();
        }
        if (!_destroyed && _write.ReadyToFinish(queueEmpty: _writeQueue is null || _writeQueue.Count == 0))
        {
            StartFinishLocked();
        }
    }

    private void AddToFlushLocked(in ReadOnlySequence<byte> data, Action<Exception?>? cb)
    {
        foreach (var segment in data)
        {
            _handle.Output.Write(segment.Span);
        }
        _write.AddToFlush(data.Length);
        if (cb is not null)
        {
            (_flushCallbacks ??= []).Add(cb);
        }
    }

    /// <summary>Flushes what <see cref="AddToFlushLocked"/> wrote; completes at once when the transport sent it inline.</summary>
    private void FlushLocked()
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = _handle.Output.FlushAsync();
        }
        catch (InvalidOperationException ex)
        {
            CompleteFlushLocked(NodeErrors.SystemCall("EPIPE", "write", ex));
            return;
        }
        if (flush.IsCompleted)
        {
            CompleteFlushLocked(FlushError(flush));
            return;
        }
        _write.BeginFlush();
        _ = AwaitFlushAsync(flush);
    }

    private async Task AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        Exception? error;
        try
        {
            var result = await flush.ConfigureAwait(false);
            error = result.IsCompleted ? NodeErrors.SystemCall("EPIPE", "write") : null;
        }
        catch (Exception ex)
        {
            // Every failure, expected or not, must reach the write callbacks and "error": nobody
            // awaits this task, so an exception left in it would be lost.
            error = NodeErrors.SystemCall(NodeErrors.CodeOf(ex), "write", ex);
        }
        lock (Sync)
        {
            CompleteFlushLocked(error);
            PumpWritesLocked();
        }
    }

    private static NodeSystemError? FlushError(ValueTask<FlushResult> flush)
    {
        try
        {
            return flush.Result.IsCompleted ? NodeErrors.SystemCall("EPIPE", "write") : null;
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException or OperationCanceledException)
        {
            return NodeErrors.SystemCall(NodeErrors.CodeOf(ex), "write", ex);
        }
    }

    /// <summary>A flush finished: the bytes left user space; run their callbacks and maybe <c>"drain"</c> on the loop (Node's afterWrite).</summary>
    private void CompleteFlushLocked(Exception? error)
    {
        _write.EndFlush();
        var callbacks = _flushCallbacks;
        _flushCallbacks = null;
        if (error is not null)
        {
            ScheduleFailedWriteLocked(callbacks, error);
            return;
        }
        if (callbacks is null && !_write.NeedDrain)
        {
            return;
        }
        ScheduleAfterWrite(callbacks);
    }

    // The lambdas live in their own methods: a closure's captures are allocated on entry to the
    // scope that declares them, so inline they would cost an allocation on every flush.
    private void ScheduleFailedWriteLocked(List<Action<Exception?>>? callbacks, Exception error)
    {
        if (!_destroyed)
        {
            Loop.NextTick(() => Destroy(error));
        }
        if (callbacks is not null)
        {
            Loop.NextTick(() =>
            {
                foreach (var cb in callbacks)
                {
                    cb(error);
                }
            });
        }
    }

    /// <summary>Node's afterWrite, on the next tick: the write callbacks, then <c>"drain"</c> once nothing is left.</summary>
    private void ScheduleAfterWrite(List<Action<Exception?>>? callbacks)
    {
        Loop.NextTick(() =>
        {
            if (callbacks is not null)
            {
                foreach (var cb in callbacks)
                {
                    cb(null);
                }
            }
            bool drain;
            lock (Sync)
            {
                drain = !_destroyed && _write.TryTakeDrain();
            }
            if (drain)
            {
                Emit("drain");
            }
        });
    }

    /// <summary>
    /// Node's final/shutdown: every byte is in the kernel now. While the peer may still send, FIN goes
    /// out with <c>shutdown(SHUT_WR)</c> so reading continues (a real half-close); once the peer has
    /// ended, completing Kestrel's output closes both directions.
    /// </summary>
    private void StartFinishLocked()
    {
        _write.BeginFinish();
        _handle.ShutdownSend(peerEnded: _read.EofReceived);
        Loop.Post(OnFinish);
    }

    private void OnFinish()
    {
        List<Action>? callbacks;
        lock (Sync)
        {
            if (_destroyed)
            {
                return;
            }
            _write.Finish();
            UpdateLoopRefLocked();
            callbacks = _finishCallbacks;
            _finishCallbacks = null;
        }
        if (callbacks is not null)
        {
            foreach (var cb in callbacks)
            {
                cb();
            }
        }
        Emit("finish");
        MaybeAutoDestroy();
    }

    private List<Action<Exception?>>? TakeQueuedCallbacksLocked()
    {
        List<Action<Exception?>>? callbacks = null;
        while (_writeQueue is not null && _writeQueue.TryDequeue(out var write))
        {
            if (write.Callback is { } cb)
            {
                (callbacks ??= []).Add(cb);
            }
        }
        return callbacks;
    }

    private readonly record struct PendingWrite(byte[] Data, Action<Exception?>? Callback);
}
