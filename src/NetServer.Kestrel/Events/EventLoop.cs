using System.Diagnostics;
using System.Runtime.ExceptionServices;
using NetServer.Events;
using NetServer.Internal;

namespace NetServer;

/// <summary>
/// A serial event loop, Node's model: every callback of every server and socket bound to this loop
/// runs one at a time, in order, never concurrently.
/// </summary>
/// <remarks>
/// <para>Priority, as in Node: <see cref="NextTick"/> callbacks run as soon as the current callback
/// returns; then <c>await</c> continuations (promise jobs); then timers, I/O events,
/// <see cref="Post(Action)"/> and <see cref="SetImmediate"/> callbacks in arrival order.</para>
/// <para>Unhandled errors (an exception thrown by a callback, or an <c>"error"</c> emitted with no
/// listener) are emitted as <c>"uncaughtException"</c> on the loop, with Node's two arguments: the
/// exception and its origin, <c>"uncaughtException"</c>. With no such listener the process ends as
/// Node's does: no further callback runs, the exception's type, message and stack (and a Node
/// error's <c>code</c>, <c>errno</c>, <c>syscall</c>, <c>address</c>, <c>port</c>, as Node prints
/// them) go to standard error, and the process exits with code 1 (7 if an
/// <c>"uncaughtException"</c> listener itself threw). <c>AppDomain.ProcessExit</c> handlers run;
/// <c>AppDomain.UnhandledException</c> is not raised, so crash reporters should listen to
/// <c>"uncaughtException"</c>. Under a debugger the exception is rethrown on the loop's thread
/// instead, so that the debugger stops on it.</para>
/// <para>Warnings (<see cref="MaxListenersExceededWarning"/> for a server, socket or other
/// emitter whose code runs on this loop; <see cref="EmitWarning"/>) are emitted as
/// <c>"warning"</c> with a <see cref="NodeWarning"/>. A new loop has one <c>"warning"</c>
/// listener, which prints the warning to standard error, as Node's process has; remove it with
/// <c>RemoveAllListeners("warning")</c> to route warnings elsewhere (the hosting package logs them).</para>
/// <para>An exception left in a task nobody awaited (<c>_ = HandleAsync(socket)</c>), thrown while
/// one of this loop's callbacks ran, is emitted as <c>"unhandledRejection"</c> with the exception
/// and the task, Node's <c>(reason, promise)</c>; with no such listener it is an uncaught
/// exception (origin <c>"unhandledRejection"</c>), as under Node's default. .NET only knows once
/// the task is garbage collected, so this comes at the next collection, not at once; prefer
/// awaiting, or an <c>async</c> listener, whose exceptions reach <c>"uncaughtException"</c>
/// directly. The library's own tasks are never reported.</para>
/// <para><see cref="RunAsync"/> completes when nothing ref'd is left: no listening server, no open
/// socket, no ref'd timer and no queued callback.</para>
/// <para>Threads: the loop owns a thread that runs timers and callbacks posted from outside. I/O
/// events (a read, an accept, a finished flush) are run by the transport thread that produced them
/// when the loop is idle, so an echo costs no thread switch; whoever runs the loop holds it
/// exclusively, so the one-at-a-time guarantee is the same. Callbacks therefore must not rely on
/// a particular OS thread (thread-static state), only on never running concurrently.</para>
/// </remarks>
public sealed partial class EventLoop : EventEmitter<EventLoop>, IDisposable
{
    private static readonly Lazy<EventLoop> s_default = new(() => new EventLoop("NetServer event loop"));

    /// <summary>The loop the current thread is running right now (null outside callbacks).</summary>
    [ThreadStatic]
    private static EventLoop? t_running;

    private readonly object _gate = new();
    private readonly Thread _thread;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Queue<Action> _ticks = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _microtasks = new();
    private readonly PriorityQueue<(LoopTimer Timer, int Generation), (long DueAt, long Sequence)> _timers = new();
    private readonly LoopSynchronizationContext _context;
    private readonly List<LoopTimer> _due = [];
    private Queue<WorkItem> _incoming = new();
    private Queue<WorkItem> _batch = new();
    private TaskCompletionSource? _idle;
    private long _timerSequence;
    private int _refs;
    /// <summary>A thread is running the loop's callbacks right now, exclusively (its own thread or a transport thread).</summary>
    private bool _held;
    private bool _waiting;
    private long _wakeAt = long.MaxValue;
    private bool _disposed;
    /// <summary>An error nobody handled: the loop stops running callbacks and its thread ends the process.</summary>
    private ExceptionDispatchInfo? _fatal;
    private int _fatalExitCode;

    /// <summary>Creates a loop with its own thread.</summary>
    public EventLoop()
        : this("NetServer event loop")
    {
    }

    private EventLoop(string threadName)
    {
        // Node's process starts with one "warning" listener, the one that prints; removing it
        // (RemoveAllListeners("warning")) silences the default output, as it does in Node.
        On<NodeWarning>("warning", PrintWarning);
        UnobservedTasks.Install();
        _context = new LoopSynchronizationContext(this);
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>The loop used by servers whose <see cref="ServerOptions.Loop"/> is null.</summary>
    public static EventLoop Default => s_default.Value;

    /// <summary>True when called from inside one of this loop's callbacks (on the thread running the loop).</summary>
    public bool IsOnLoopThread => t_running == this;

    /// <summary>The loop whose callback the current thread is running, or null.</summary>
    internal static EventLoop? Running => t_running;

    /// <summary>Milliseconds since the loop started: the clock its timers use.</summary>
    internal long Now => _clock.ElapsedMilliseconds;

    /// <summary>
    /// Runs <paramref name="callback"/> once the current callback returns, before promise jobs and
    /// I/O (Node's <c>process.nextTick</c>). Called from another thread, it queues behind pending work.
    /// </summary>
    /// <param name="callback">The callback.</param>
    public void NextTick(Action callback)
    {
        ValidateCallback(callback);
        if (IsOnLoopThread)
        {
            _ticks.Enqueue(callback);
        }
        else
        {
            Enqueue(new WorkItem(callback, null));
        }
    }

    /// <summary>Queues <paramref name="callback"/> behind pending I/O events, in order.</summary>
    /// <param name="callback">The callback.</param>
    public void Post(Action callback)
    {
        ValidateCallback(callback);
        Enqueue(new WorkItem(callback, null));
    }

    /// <summary>Node's <c>setImmediate</c>: queues <paramref name="callback"/> behind pending I/O events.</summary>
    /// <param name="callback">The callback.</param>
    public void SetImmediate(Action callback) => Post(callback);

    /// <summary>
    /// Completes when no ref'd handle is left (servers listening or about to, open sockets, ref'd
    /// timers) and no callback is queued: Node's rule for when a process exits. Can be awaited
    /// repeatedly and by several callers; the loop runs whether or not anyone awaits.
    /// </summary>
    /// <returns>A task that completes when the loop is idle.</returns>
    public Task RunAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            WakeLocked();
            return _idle.Task;
        }
    }

    /// <summary>
    /// Stops the loop thread; queued callbacks are dropped. Sockets with I/O queued on it, or arriving
    /// later, are destroyed without events (their connections close), so nothing is left waiting on
    /// a loop that will never run. The default loop cannot be disposed.
    /// </summary>
    public void Dispose()
    {
        if (ReferenceEquals(this, s_default.IsValueCreated ? s_default.Value : null))
        {
            return;
        }
        Queue<WorkItem>? abandoned = null;
        lock (_gate)
        {
            _disposed = true;
            _idle?.TrySetResult();
            WakeLocked();
            if (!_held)
            {
                // Whoever holds the loop abandons what is left when it lets go.
                abandoned = TakeIncomingLocked();
            }
        }
        Abandon(abandoned);
    }

    internal void QueueMicrotask(SendOrPostCallback callback, object? state)
    {
        if (IsOnLoopThread)
        {
            _microtasks.Enqueue((callback, state));
        }
        else
        {
            Enqueue(new WorkItem(() => callback(state), null));
        }
    }

    /// <summary>A server or socket that keeps the loop alive came into being.</summary>
    internal void AddRef()
    {
        lock (_gate)
        {
            _refs++;
        }
    }

    /// <summary>A handle that kept the loop alive went away.</summary>
    internal void ReleaseRef()
    {
        lock (_gate)
        {
            _refs--;
            Debug.Assert(_refs >= 0, "unbalanced loop refs");
            if (_refs == 0)
            {
                WakeLocked();
            }
        }
    }

    private static void ValidateCallback(Action callback)
    {
        if (callback is null)
        {
            throw NodeErrors.InvalidArgType("callback", "of type function", null);
        }
    }

    /// <summary>The loop's own thread: sleeps until a timer is due or work is posted while nobody runs the loop.</summary>
    private void Run()
    {
        while (true)
        {
            ExceptionDispatchInfo? fatal = null;
            lock (_gate)
            {
                while (true)
                {
                    if (_fatal is not null)
                    {
                        fatal = _fatal;
                        break;
                    }
                    if (_disposed)
                    {
                        return;
                    }
                    long wait = -1;
                    if (!_held)
                    {
                        if (_incoming.Count > 0)
                        {
                            break;
                        }
                        wait = NextTimerDelayLocked();
                        if (wait == 0)
                        {
                            break;
                        }
                        if (_refs == 0 && _idle is not null)
                        {
                            _idle.TrySetResult();
                            _idle = null;
                        }
                    }
                    // While another thread runs the loop it also runs due timers; it wakes us when it lets go
                    // and a timer is pending, so we never spin on a due timer we may not run.
                    _wakeAt = wait < 0 ? long.MaxValue : Now + wait;
                    _waiting = true;
                    Monitor.Wait(_gate, wait < 0 ? Timeout.Infinite : (int)Math.Min(wait, int.MaxValue));
                    _waiting = false;
                    _wakeAt = long.MaxValue;
                }
                if (fatal is null)
                {
                    _held = true;
                }
            }
            if (fatal is not null)
            {
                Die(fatal, _fatalExitCode);
            }
            RunTurns();
        }
    }

    /// <summary>
    /// Runs queued callbacks and due timers until none is left, on the calling thread, which holds
    /// the loop (<see cref="_held"/>) until it returns.
    /// </summary>
    private void RunTurns()
    {
        var outerLoop = t_running;
        var outerContext = SynchronizationContext.Current;
        t_running = this;
        SynchronizationContext.SetSynchronizationContext(_context);
        var due = _due;
        try
        {
            while (true)
            {
                var finished = false;
                Queue<WorkItem>? abandoned = null;
                lock (_gate)
                {
                    CollectDueTimersLocked(due);
                    if (_incoming.Count == 0 && due.Count == 0 || _disposed || _fatal is not null)
                    {
                        // Disposed while we held the loop: what was queued meanwhile is ours to let go.
                        abandoned = _disposed ? TakeIncomingLocked() : null;
                        ReleaseLocked();
                        finished = true;
                    }
                    else
                    {
                        (_incoming, _batch) = (_batch, _incoming);
                    }
                }
                if (finished)
                {
                    Abandon(abandoned);
                    return;
                }
                foreach (var timer in due)
                {
                    if (_fatal is null)
                    {
                        Invoke(timer.Fire);
                    }
                }
                due.Clear();
                while (_fatal is null && _batch.TryDequeue(out var work))
                {
                    if (work.Action is { } action)
                    {
                        Invoke(action);
                    }
                    else
                    {
                        Invoke(work.Item!);
                    }
                }
            }
        }
        catch
        {
            lock (_gate)
            {
                ReleaseLocked();
            }
            throw;
        }
        finally
        {
            t_running = outerLoop;
            SynchronizationContext.SetSynchronizationContext(outerContext);
        }
    }

    /// <summary>Lets go of the loop; wakes its thread if a timer needs it sooner than planned, or to report idleness.</summary>
    private void ReleaseLocked()
    {
        _held = false;
        if (_fatal is not null || _disposed || (_refs == 0 && _idle is not null))
        {
            WakeLocked();
            return;
        }
        var next = NextTimerDelayLocked();
        if (next >= 0)
        {
            WakeForTimerLocked(Now + next);
        }
    }

    private void Invoke(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            ReportUncaught(ex);
        }
        DrainJobs();
    }

    private void Invoke(ILoopWorkItem item)
    {
        try
        {
            item.Execute();
        }
        catch (Exception ex)
        {
            ReportUncaught(ex);
        }
        DrainJobs();
    }

    /// <summary>Node's <c>processTicksAndRejections</c>: all ticks, then all promise jobs, until both are empty.</summary>
    private void DrainJobs()
    {
        // After a fatal error nothing more runs, as in Node, where the process is already exiting.
        do
        {
            while (_fatal is null && _ticks.TryDequeue(out var tick))
            {
                try
                {
                    tick();
                }
                catch (Exception ex)
                {
                    ReportUncaught(ex);
                }
            }
            while (_fatal is null && _microtasks.TryDequeue(out var job))
            {
                try
                {
                    job.Callback(job.State);
                }
                catch (Exception ex)
                {
                    ReportUncaught(ex);
                }
            }
        }
        while (_fatal is null && _ticks.Count > 0);
    }

    private readonly record struct WorkItem(Action? Action, ILoopWorkItem? Item);
}
