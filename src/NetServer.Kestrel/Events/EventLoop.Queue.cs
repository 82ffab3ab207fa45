using NetServer.Events;

namespace NetServer;

/// <summary>
/// How work reaches the loop from other threads: queued for the loop's own thread, or run at once by
/// the caller when nobody is running the loop (an I/O completion then costs no thread switch).
/// </summary>
public sealed partial class EventLoop
{
    internal void Post(ILoopWorkItem item) => Enqueue(new WorkItem(null, item));

    /// <summary>
    /// Queues an I/O event from a transport thread and, when the loop is idle, runs it right here
    /// instead of waking the loop's thread: Node's "the poll phase runs the callback" without a
    /// thread switch. The caller must hold no lock a callback could need.
    /// </summary>
    internal void Dispatch(ILoopWorkItem item) => DispatchCore(new WorkItem(null, item));

    /// <inheritdoc cref="Dispatch(ILoopWorkItem)"/>
    internal void Dispatch(Action action) => DispatchCore(new WorkItem(action, null));

    private void Enqueue(WorkItem item)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _incoming.Enqueue(item);
                if (!_held)
                {
                    WakeLocked();
                }
                return;
            }
        }
        item.Item?.Abandon();
    }

    private void DispatchCore(WorkItem item)
    {
        bool disposed, runHere = false;
        lock (_gate)
        {
            disposed = _disposed;
            if (!disposed)
            {
                runHere = QueueForDispatchLocked(item);
            }
        }
        if (disposed)
        {
            item.Item?.Abandon();
        }
        else if (runHere)
        {
            RunTurns();
        }
    }

    /// <summary>Queues <paramref name="item"/>; true when this thread should take the loop and run it now.</summary>
    private bool QueueForDispatchLocked(WorkItem item)
    {
        _incoming.Enqueue(item);
        if (_held)
        {
            // Whoever runs the loop drains the queue before letting go of it.
            return false;
        }
        if (t_running is not null || _fatal is not null)
        {
            // This thread is inside another loop's callback: do not nest loops; let the owner thread run it.
            WakeLocked();
            return false;
        }
        _held = true;
        return true;
    }

    /// <summary>Empties the queue of work no callback will run any more (the loop is disposed).</summary>
    private Queue<WorkItem>? TakeIncomingLocked()
    {
        if (_incoming.Count == 0)
        {
            return null;
        }
        var taken = _incoming;
        _incoming = new Queue<WorkItem>();
        return taken;
    }

    /// <summary>Lets every abandoned item release what it holds; plain callbacks are dropped.</summary>
    private static void Abandon(Queue<WorkItem>? abandoned)
    {
        if (abandoned is null)
        {
            return;
        }
        foreach (var work in abandoned)
        {
            work.Item?.Abandon();
        }
    }

    private void WakeLocked()
    {
        if (_waiting)
        {
            Monitor.Pulse(_gate);
        }
    }
}
