using System.Buffers;
using NetServer.Internal;

namespace NetServer;

/// <summary>
/// Writes made while a client connects (Node's <c>_pendingData</c>): queued, sent from a
/// <c>"connect"</c> listener, or failed at <c>"close"</c> when the socket never connected.
/// </summary>
public sealed partial class Socket
{
    /// <summary>
    /// Node's "connect" listener added by the first write made while connecting: that write goes out
    /// first and its callback runs at once when the kernel took it (before later "connect"
    /// listeners, as in Node), then everything queued behind it goes out together.
    /// </summary>
    private void FlushOnConnect()
    {
        Action<Exception?>? sentAtOnce = null;
        lock (Sync)
        {
            if (_destroyed || !_handle.IsOpen || _write.Corked || _writeQueue is not { Count: > 0 } queue)
            {
                return;
            }
            var first = queue.Dequeue();
            AddToFlushLocked(new ReadOnlySequence<byte>(first.Data), null);
            FlushLocked();
            if (first.Callback is { } cb)
            {
                if (_write.Flushing)
                {
                    (_flushCallbacks ??= []).Insert(0, cb);
                }
                else
                {
                    sentAtOnce = cb;
                }
            }
            PumpWritesLocked();
        }
        sentAtOnce?.Invoke(null);
    }

    private List<PendingWrite>? TakeQueuedWritesLocked()
    {
        if (_writeQueue is not { Count: > 0 } queue)
        {
            return null;
        }
        var writes = new List<PendingWrite>(queue);
        queue.Clear();
        return writes;
    }

    /// <summary>
    /// A client destroyed before it connected, as Node does it: the write waiting for <c>"connect"</c>
    /// fails with <c>ERR_SOCKET_CLOSED_BEFORE_CONNECTION</c> from a <c>"close"</c> listener added at
    /// write time (so before the user's), and that failure errors the buffered writes behind it with
    /// the socket's error (or the same error), which also stop counting in <c>bytesWritten</c>.
    /// </summary>
    private void FailUnsentBeforeConnection(List<PendingWrite> unsent)
    {
        var closed = ConnectErrors.ClosedBeforeConnection();
        Exception? destroyError;
        lock (Sync)
        {
            destroyError = _client?.DestroyError;
            for (var i = 1; i < unsent.Count; i++)
            {
                _write.Forget(unsent[i].Data.Length);
            }
        }
        for (var i = 0; i < unsent.Count; i++)
        {
            unsent[i].Callback?.Invoke(i == 0 ? closed : destroyError ?? closed);
        }
    }
}
