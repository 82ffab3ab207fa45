using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using NetServer.Internal;

using NetServer.Streams;

namespace NetServer;

/// <summary>The readable side: a read loop on the transport, an inbox to the event loop, Node's flowing/paused rules.</summary>
public sealed partial class Socket
{
    /// <summary>libuv's read buffer size: the largest <c>"data"</c> chunk Node delivers.</summary>
    private const int MaxReadChunk = 64 * 1024;

    /// <summary>
    /// Reads handled per loop turn before this socket queues behind the others (libuv reads a
    /// stream at most 32 times per poll), so one flooding peer cannot starve the rest of the loop.
    /// </summary>
    private const int MaxReadsPerTurn = 32;

    // Both queues are created on first need: a socket whose reads are delivered as they arrive
    // (flowing, the loop idle) never needs them, and an idle connection should cost little memory.
    private Queue<byte[]>? _readable;
    private Queue<Incoming>? _inbox;
    private Incoming _inboxHead;
    private bool _hasInboxHead;
    private ReadableState _read;
    private bool _drainScheduled;
    private ReadLoopState _readLoopState;
    private TaskCompletionSource? _readPermit;
    private Func<byte[]?, string>? _decoder;

    private enum ReadLoopState
    {
        NotStarted,
        Running,
        Finished,
    }

    /// <summary>Bytes received so far; kept after close.</summary>
    public long BytesRead
    {
        get
        {
            lock (Sync)
            {
                return _read.BytesRead;
            }
        }
    }

    /// <summary>True while data can still be read (not ended, not destroyed).</summary>
    public bool Readable
    {
        get
        {
            lock (Sync)
            {
                return ReadableLocked;
            }
        }
    }

    /// <summary>Bytes buffered and not yet delivered as <c>"data"</c>.</summary>
    public long ReadableLength
    {
        get
        {
            lock (Sync)
            {
                return _read.BufferedBytes;
            }
        }
    }

    /// <summary>Node's <c>readableFlowing</c>: null until a consumer attaches, true while flowing, false once paused.</summary>
    public bool? ReadableFlowing
    {
        get
        {
            lock (Sync)
            {
                return _read.Flowing;
            }
        }
    }

    /// <summary>The readable high-water mark in bytes (from <see cref="ServerOptions.HighWaterMark"/>).</summary>
    public int ReadableHighWaterMark { get; }

    private bool ReadableLocked => !_destroyed && !_read.EndEmitted;

    /// <summary>Stops <c>"data"</c> events; bytes keep being buffered up to the high-water mark, then reading from the kernel stops.</summary>
    /// <returns>This socket.</returns>
    public Socket Pause()
    {
        lock (Sync)
        {
            _read.Pause();
        }
        return this;
    }

    /// <summary>Restarts <c>"data"</c> events (and reading, after <see cref="ServerOptions.PauseOnConnect"/>).</summary>
    /// <returns>This socket.</returns>
    public Socket Resume()
    {
        bool flow;
        lock (Sync)
        {
            _read.Resume();
            SignalReadPermitLocked();
            // Only buffered chunks or a pending end need the tick; reads that arrive later are
            // delivered as they come (an idle socket's first listener then costs no delegate).
            flow = _readable is { Count: > 0 } || (_read.EofReceived && !_read.EndEmitted);
        }
        ResumeZeroCopy();
        if (flow)
        {
            Loop.NextTick(Flow);
        }
        return this;
    }

    /// <summary>True after <see cref="Pause"/> (or with <see cref="ServerOptions.PauseOnConnect"/>) until <see cref="Resume"/>.</summary>
    /// <returns>Whether the socket is paused.</returns>
    public bool IsPaused()
    {
        lock (Sync)
        {
            return _read.IsPaused;
        }
    }

    /// <summary>Makes <c>"data"</c> deliver strings decoded with <paramref name="encoding"/>; null restores <c>byte[]</c>.</summary>
    /// <param name="encoding">A Node encoding name (<c>utf8</c>, <c>hex</c>, <c>base64</c>, <c>latin1</c>, ...), or null.</param>
    /// <returns>This socket.</returns>
    public Socket SetEncoding(string? encoding)
    {
        var decoder = encoding is null ? null : NodeEncoding.CreateDecoder(NodeEncoding.Normalize(encoding));
        lock (Sync)
        {
            _decoder = decoder;
        }
        return this;
    }

    /// <summary>Starts the transport read loop; called once the <c>"connection"</c> listeners have run.</summary>
    internal void StartReading()
    {
        lock (Sync)
        {
            if (_destroyed)
            {
                return;
            }
            _readLoopState = ReadLoopState.Running;
        }
        // Runs synchronously up to the first pending read; after that on the transport's threads.
        _ = ReadLoopAsync();
    }

    private protected override void OnListenerAdded(string eventName)
    {
        if (eventName != "data")
        {
            return;
        }
        bool resume;
        lock (Sync)
        {
            resume = !_read.IsPaused;
        }
        if (resume)
        {
            Resume();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                await WaitForReadPermitAsync().ConfigureAwait(false);
                if (Destroyed)
                {
                    break;
                }
                var result = await _handle.Input.ReadAsync().ConfigureAwait(false);
                if (_zeroCopy is { } zeroCopy && !result.Buffer.IsEmpty)
                {
                    // The handler sees the pipe's own buffers; they are released only when it returns.
                    // The read waits in the reader, not in this method's frame, which lives as long as
                    // the connection: locals kept across an await would cost every socket.
                    await zeroCopy.DeliverAsync(result).ConfigureAwait(false);
                    if (EndZeroCopyRead())
                    {
                        break;
                    }
                }
                else if (ConsumeRead(result))
                {
                    break;
                }
            }
        }
        catch (ConnectionResetException ex)
        {
            Deliver(new Incoming(null, NodeErrors.SystemCall("ECONNRESET", "read", ex)));
        }
        catch (ConnectionAbortedException)
        {
            // Our own full close (output completed) ended the read side: report it as end of input.
            Deliver(new Incoming(null, null));
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            Deliver(new Incoming(null, NodeErrors.SystemCall(NodeErrors.CodeOf(ex), "read", ex)));
        }
        catch (Exception ex)
        {
            // Nobody awaits the read loop: anything else is a bug that must not leave the socket deaf
            // and silent. The socket goes, the error reaches "uncaughtException".
            Loop.Post(() =>
            {
                Destroy();
                Loop.ReportUncaught(ex);
            });
        }
        finally
        {
            await _handle.Input.CompleteAsync().ConfigureAwait(false);
            bool release;
            lock (Sync)
            {
                _readLoopState = ReadLoopState.Finished;
                release = _destroyed;
            }
            if (release)
            {
                _handle.Release();
            }
        }
    }

    /// <summary>Turns one read into a <c>"data"</c> chunk; true when the read loop is done (end of input or cancelled).</summary>
    private bool ConsumeRead(in ReadResult result)
    {
        var buffer = result.Buffer;
        var consumedAll = true;
        if (!buffer.IsEmpty)
        {
            // Node reads at most 64 KiB per chunk and re-checks the high-water mark between
            // chunks; the rest stays in the transport's pipe (its backpressure, not our memory).
            var slice = buffer.Length > MaxReadChunk ? buffer.Slice(0, MaxReadChunk) : buffer;
            consumedAll = slice.Length == buffer.Length;
            // The chunk is overwritten in full at once: no need to zero it first.
            var chunk = GC.AllocateUninitializedArray<byte>((int)slice.Length);
            slice.CopyTo(chunk);
            _handle.Input.AdvanceTo(slice.End);
            Deliver(new Incoming(chunk, null));
        }
        else
        {
            _handle.Input.AdvanceTo(buffer.End);
        }
        return FinishRead(result.IsCanceled, result.IsCompleted && consumedAll);
    }

    /// <summary>The zero-copy handler has returned: release its buffer; true when the read loop is done.</summary>
    private bool EndZeroCopyRead()
    {
        var (end, canceled, completed) = _zeroCopy!.TakeRead();
        _handle.Input.AdvanceTo(end);
        return FinishRead(canceled, completed);
    }

    private bool FinishRead(bool canceled, bool endOfInput)
    {
        if (canceled)
        {
            return true;
        }
        if (endOfInput)
        {
            Deliver(new Incoming(null, null));
            return true;
        }
        return false;
    }

    private ValueTask WaitForReadPermitAsync()
    {
        lock (Sync)
        {
            if (ReadPermittedLocked())
            {
                return ValueTask.CompletedTask;
            }
            _readPermit ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask(_readPermit.Task);
        }
    }

    /// <summary>Node stops reading from the kernel once the readable buffer reaches the high-water mark.</summary>
    private bool ReadPermittedLocked() =>
        _destroyed || _read.MayRead(ReadableHighWaterMark);

    private void SignalReadPermitLocked()
    {
        if (_readPermit is not null && ReadPermittedLocked())
        {
            _readPermit.TrySetResult();
            _readPermit = null;
        }
    }

    /// <summary>Hands what the transport produced to the loop; one queued work item serves a burst of reads.</summary>
    private void Deliver(Incoming incoming)
    {
        bool schedule;
        lock (Sync)
        {
            if (!_hasInboxHead && (_inbox is null || _inbox.Count == 0))
            {
                // The usual case, one read at a time: a field, not a queue.
                _inboxHead = incoming;
                _hasInboxHead = true;
            }
            else
            {
                (_inbox ??= new Queue<Incoming>(2)).Enqueue(incoming);
            }
            _read.Sent(incoming.Data?.Length ?? 0);
            schedule = !_drainScheduled;
            _drainScheduled = true;
        }
        if (schedule)
        {
            Loop.Dispatch(this);
        }
    }

    /// <summary>On the loop: Node's <c>onStreamRead</c> for every chunk, EOF or error that arrived (also those arriving meanwhile).</summary>
    private void DrainInbox()
    {
        var returned = false;
        try
        {
            DrainInboxCore();
            returned = true;
        }
        finally
        {
            if (!returned)
            {
                // A listener threw (it goes on to "uncaughtException"): the socket keeps reading, as in Node.
                lock (Sync)
                {
                    if (_hasInboxHead || _inbox is { Count: > 0 })
                    {
                        Loop.Post(this);
                    }
                    else
                    {
                        _drainScheduled = false;
                    }
                }
            }
        }
    }

    private void DrainInboxCore()
    {
        for (var reads = 0; ; reads++)
        {
            Incoming item;
            byte[]? direct = null;
            lock (Sync)
            {
                if (!_hasInboxHead && (_inbox is null || _inbox.Count == 0))
                {
                    _drainScheduled = false;
                    return;
                }
                if (reads == MaxReadsPerTurn)
                {
                    // Still scheduled: go behind whatever else is queued on the loop.
                    Loop.Post(this);
                    return;
                }
                if (_hasInboxHead)
                {
                    item = _inboxHead;
                    _inboxHead = default;
                    _hasInboxHead = false;
                }
                else
                {
                    item = _inbox!.Dequeue();
                }
                if (_destroyed)
                {
                    _read.Dropped(item.Data?.Length ?? 0);
                    continue;
                }
                if (item.Data is { } data)
                {
                    _read.Arrived(data.Length);
                    if (_read.IsFlowing && (_readable is null || _readable.Count == 0))
                    {
                        // Flowing with nothing buffered: straight to "data", no buffering. The inbox just
                        // shrank, which may be what the read loop waits for.
                        direct = data;
                        SignalReadPermitLocked();
                    }
                    else
                    {
                        (_readable ??= new Queue<byte[]>(2)).Enqueue(data);
                        _read.Buffer(data.Length);
                    }
                }
                else if (item.Error is null)
                {
                    _read.ReceiveEof();
                    UpdateLoopRefLocked();
                }
            }
            if (item.Error is { } error)
            {
                lock (Sync)
                {
                    _inbox?.Clear();
                    _inboxHead = default;
                    _hasInboxHead = false;
                    _read.DropInFlight();
                    _drainScheduled = false;
                }
                Destroy(error);
                return;
            }
            if (item.Data is not null)
            {
                OnActivity();
            }
            if (direct is not null)
            {
                EmitData(direct);
            }
            Flow();
        }
    }

    /// <summary>Node's <c>flow()</c> + <c>endReadable()</c>: emit buffered chunks while flowing, then <c>"end"</c> once drained.</summary>
    private void Flow()
    {
        while (true)
        {
            byte[] chunk;
            lock (Sync)
            {
                if (_destroyed || !_read.IsFlowing || _readable is null || !_readable.TryDequeue(out chunk!))
                {
                    break;
                }
                _read.Unbuffer(chunk.Length);
                SignalReadPermitLocked();
            }
            EmitData(chunk);
        }
        bool end;
        lock (Sync)
        {
            end = !_destroyed && _read.TryBeginEnd(bufferEmpty: _readable is null || _readable.Count == 0);
        }
        if (end)
        {
            // Node's onEofChunk: what the decoder held back (a partial base64 group or character) comes out last.
            if (_decoder is { } decode && decode(null) is { Length: > 0 } tail)
            {
                Emit1("data", tail);
            }
            EmitEnd();
        }
    }

    private void EmitData(byte[] chunk)
    {
        if (_decoder is { } decode)
        {
            // Node pushes no empty string: bytes held back by the decoder produce no "data".
            if (decode(chunk) is { Length: > 0 } text)
            {
                Emit1("data", text);
            }
        }
        else
        {
            Emit1("data", chunk);
        }
    }

    private void EmitEnd()
    {
        if (!AllowHalfOpen)
        {
            // Node's onReadableStreamEnd (installed first) swaps in writeAfterFIN: once ended, writes
            // fail with EPIPE. The automatic end() itself runs on the next tick (Duplex onEndNT), so a
            // write made inside an "end" listener still goes out.
            lock (Sync)
            {
                _write.MarkEndedByPeer();
            }
            Loop.NextTick(() => End());
        }
        Emit("end");
        MaybeAutoDestroy();
    }

    /// <summary>Node's autoDestroy: once "end" was emitted and "finish" too, the socket is destroyed.</summary>
    private void MaybeAutoDestroy()
    {
        bool destroy;
        lock (Sync)
        {
            destroy = _read.EndEmitted && _write.Finished && !_destroyed;
        }
        if (destroy)
        {
            Destroy();
        }
    }

    /// <summary>A chunk, an end of input (both null) or a read error, as the transport produced it.</summary>
    private readonly record struct Incoming(byte[]? Data, Exception? Error);
}
