using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;
using NetServer.Events;
using NetServer.Internal;

using NetServer.Streams;

namespace NetServer;

/// <summary>
/// <b>Beyond Node:</b> the zero-copy read path. The transport's own buffers are handed to a read
/// handler on the loop and released when it returns, so an echo allocates nothing per message.
/// </summary>
public sealed partial class Socket
{
    private ZeroCopyReader? _zeroCopy;

    /// <summary>
    /// <b>Beyond Node:</b> replaces <c>"data"</c> events with <paramref name="handler"/>, called on the loop
    /// with the transport's buffers themselves (no copy, no allocation). The bytes are valid only
    /// during the call: copy what must outlive it. <c>"end"</c>, <c>"error"</c>, <c>"close"</c>,
    /// <see cref="Pause"/>/<see cref="Resume"/> and backpressure work as usual (a paused socket keeps
    /// the current buffer and stops reading from the kernel). Set it in the <c>"connection"</c> listener.
    /// </summary>
    /// <param name="handler">Called with this socket and the bytes read.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="NodeError"><c>ERR_INVALID_STATE</c> once reading has started.</exception>
    public Socket OnRead(Action<Socket, ReadOnlySequence<byte>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (Sync)
        {
            if (_readLoopState != ReadLoopState.NotStarted || _zeroCopy is not null)
            {
                throw NodeErrors.InvalidState("OnRead must be called once, inside the 'connection' listener");
            }
            _zeroCopy = new ZeroCopyReader(this, handler);
        }
        return this;
    }

    /// <summary>
    /// <b>Beyond Node:</b> writes <paramref name="data"/> without an intermediate array when nothing is
    /// queued ahead of it (the bytes are copied into the transport's buffers); otherwise it is copied
    /// once and queued. Same return value and callback rules as <see cref="Write(byte[], Action{Exception?}?)"/>.
    /// </summary>
    /// <param name="data">The bytes, e.g. the sequence an <see cref="OnRead"/> handler received, or
    /// <c>new ReadOnlySequence&lt;byte&gt;(memory)</c>.</param>
    /// <param name="cb">Called with null once handed to the kernel, or with the error.</param>
    /// <returns>False when the caller should wait for <c>"drain"</c>.</returns>
    public bool Write(ReadOnlySequence<byte> data, Action<Exception?>? cb = null) => WriteCore(data, null, cb);

    private void ResumeZeroCopy() => _zeroCopy?.Unpark();

    private void AbortZeroCopy() => _zeroCopy?.Abort();

    /// <summary>
    /// One read in flight between the read loop (transport side) and the handler (loop side): the read
    /// loop awaits it and advances the pipe only when the handler has returned.
    /// </summary>
    private sealed class ZeroCopyReader(Socket socket, Action<Socket, ReadOnlySequence<byte>> handler) : ILoopWorkItem, IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _done;
        private ReadOnlySequence<byte> _buffer;
        private SequencePosition _end;
        private bool _canceled;
        private bool _completed;
        private bool _pending;
        private bool _parked;

        /// <summary>Hands the read's buffer to the loop; completes once the handler has run (at once when the loop was idle).</summary>
        public ValueTask DeliverAsync(in ReadResult read)
        {
            _done.Reset();
            lock (socket.Sync)
            {
                _buffer = read.Buffer;
                _end = read.Buffer.End;
                _canceled = read.IsCanceled;
                _completed = read.IsCompleted;
                _pending = true;
            }
            socket.Loop.Dispatch(this);
            return new ValueTask(this, _done.Version);
        }

        public void Execute()
        {
            ReadOnlySequence<byte> buffer;
            lock (socket.Sync)
            {
                if (!_pending)
                {
                    return;
                }
                if (!socket._destroyed && socket._read.IsPaused)
                {
                    // Paused: keep the buffer (and so stop reading) until Resume.
                    _parked = true;
                    return;
                }
                buffer = _buffer;
                if (!socket._destroyed)
                {
                    socket._read.ReadInPlace(buffer.Length);
                }
            }
            try
            {
                if (!socket.Destroyed)
                {
                    socket.OnActivity();
                    handler(socket, buffer);
                }
            }
            finally
            {
                Complete();
            }
        }

        /// <summary>After the handler: where the pipe may advance to, and how the read ended.</summary>
        public (SequencePosition End, bool Canceled, bool Completed) TakeRead() => (_end, _canceled, _completed);

        /// <summary>The loop is gone with this read queued: close the socket and let the read loop go.</summary>
        public void Abandon()
        {
            socket.Destroy();
            Complete();
        }

        public void Unpark()
        {
            lock (socket.Sync)
            {
                if (!_parked)
                {
                    return;
                }
                _parked = false;
            }
            socket.Loop.Post(this);
        }

        /// <summary>The socket was destroyed: a parked read is let go (a queued one sees the destroy when it runs).</summary>
        public void Abort()
        {
            lock (socket.Sync)
            {
                if (!_parked)
                {
                    return;
                }
                _parked = false;
            }
            Complete();
        }

        public void GetResult(short token) => _done.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _done.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _done.OnCompleted(continuation, state, token, flags);

        private void Complete()
        {
            lock (socket.Sync)
            {
                if (!_pending)
                {
                    return;
                }
                _pending = false;
                _buffer = default;
            }
            _done.SetResult(true);
        }
    }
}
