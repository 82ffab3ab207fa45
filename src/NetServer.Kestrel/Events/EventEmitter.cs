using System.Runtime.ExceptionServices;
using NetServer.Events;
using NetServer.Internal;

namespace NetServer;

/// <summary>
/// Node's <c>EventEmitter</c>: named events, listeners called synchronously in registration order.
/// </summary>
/// <remarks>
/// Semantics follow Node exactly: a listener added during an emit does not run in that emit (each
/// emit works on a snapshot); once-listeners are removed before they run; <c>Off</c> removes the
/// most recently added matching listener; emitting <c>"error"</c> with no listener throws the error;
/// <c>ListenerCount</c> counts once-listeners. The event table and each listener list are
/// copy-on-write arrays, so emitting takes no lock and allocates nothing.
/// </remarks>
public partial class EventEmitter
{
    private static int s_defaultMaxListeners = 10;
    private readonly Lock _sync = new();

    /// <summary>
    /// The emitter's lock, shared with subclasses that need one for their own state (a socket's
    /// read and write state): one lock object per connection instead of two. It is reentrant and
    /// held only for short state changes, never while a listener runs.
    /// </summary>
    private protected Lock Sync => _sync;
    /// <summary>
    /// Events with listeners, in the order they were first added (Node's <c>eventNames()</c> order).
    /// An immutable array replaced under <see cref="_sync"/> on every change: readers take no lock.
    /// A linear scan beats hashing for the handful of events an emitter has, and an idle socket with
    /// two events keeps 56 bytes here instead of a 200-byte dictionary.
    /// </summary>
    private EventSlot[]? _events;
    private HashSet<string>? _warned;
    private int _maxListeners = -1;

    /// <summary>Adds a listener at the end of the list for <paramref name="eventName"/> (Node's <c>on</c>).</summary>
    /// <param name="eventName">The event name, e.g. <c>"data"</c>.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter On(string eventName, Action listener) => Add(eventName, new Listener0(NotNull(listener), false), false);

    /// <summary>Adds a listener that receives the event's first argument.</summary>
    /// <typeparam name="T">The type of the event's first argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter On<T>(string eventName, Action<T> listener) => Add(eventName, new Listener1<T>(NotNull(listener), false), false);

    /// <summary>Adds a listener that receives the event's first two arguments.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter On<T1, T2>(string eventName, Action<T1, T2> listener) => Add(eventName, new Listener2<T1, T2>(NotNull(listener), false), false);

    /// <summary>Same as <see cref="On(string, Action)"/>.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter AddListener(string eventName, Action listener) => On(eventName, listener);

    /// <summary>Same as <see cref="On{T}(string, Action{T})"/>.</summary>
    /// <typeparam name="T">The type of the event's first argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter AddListener<T>(string eventName, Action<T> listener) => On(eventName, listener);

    /// <summary>Same as <see cref="On{T1,T2}(string, Action{T1,T2})"/>.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter AddListener<T1, T2>(string eventName, Action<T1, T2> listener) => On(eventName, listener);

    /// <summary>Adds a listener that is removed before it runs the first time (Node's <c>once</c>).</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter Once(string eventName, Action listener) => Add(eventName, new Listener0(NotNull(listener), true), false);

    /// <summary>Adds a one-time listener that receives the event's first argument.</summary>
    /// <typeparam name="T">The type of the event's first argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter Once<T>(string eventName, Action<T> listener) => Add(eventName, new Listener1<T>(NotNull(listener), true), false);

    /// <summary>Adds a one-time listener that receives the event's first two arguments.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter Once<T1, T2>(string eventName, Action<T1, T2> listener) => Add(eventName, new Listener2<T1, T2>(NotNull(listener), true), false);

    /// <summary>Adds a listener at the start of the list (Node's <c>prependListener</c>).</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependListener(string eventName, Action listener) => Add(eventName, new Listener0(NotNull(listener), false), true);

    /// <summary>Adds a listener receiving the first argument at the start of the list.</summary>
    /// <typeparam name="T">The type of the event's first argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependListener<T>(string eventName, Action<T> listener) => Add(eventName, new Listener1<T>(NotNull(listener), false), true);

    /// <summary>Adds a listener receiving the first two arguments at the start of the list.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependListener<T1, T2>(string eventName, Action<T1, T2> listener) => Add(eventName, new Listener2<T1, T2>(NotNull(listener), false), true);

    /// <summary>Adds a one-time listener at the start of the list (Node's <c>prependOnceListener</c>).</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependOnceListener(string eventName, Action listener) => Add(eventName, new Listener0(NotNull(listener), true), true);

    /// <summary>Adds a one-time listener receiving the first argument at the start of the list.</summary>
    /// <typeparam name="T">The type of the event's first argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependOnceListener<T>(string eventName, Action<T> listener) => Add(eventName, new Listener1<T>(NotNull(listener), true), true);

    /// <summary>Adds a one-time listener receiving the first two arguments at the start of the list.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependOnceListener<T1, T2>(string eventName, Action<T1, T2> listener) => Add(eventName, new Listener2<T1, T2>(NotNull(listener), true), true);

    /// <summary>Removes the most recently added instance of <paramref name="listener"/> (Node's <c>off</c>).</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The delegate that was registered.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter Off(string eventName, Delegate listener) => Remove(eventName, listener);

    /// <summary>Same as <see cref="Off(string, Delegate)"/>.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The delegate that was registered.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter RemoveListener(string eventName, Delegate listener) => Remove(eventName, listener);

    /// <summary>Removes every listener of one event, or of all events when <paramref name="eventName"/> is null.</summary>
    /// <param name="eventName">The event name, or null for all.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter RemoveAllListeners(string? eventName = null)
    {
        lock (_sync)
        {
            if (eventName is null)
            {
                Volatile.Write(ref _events, null);
            }
            else
            {
                RemoveEventLocked(eventName);
            }
        }
        return this;
    }

    /// <summary>Calls every listener of <paramref name="eventName"/> in order with <paramref name="args"/>.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="args">The event's arguments.</param>
    /// <returns>True if the event had listeners.</returns>
    /// <exception cref="Exception">Emitting <c>"error"</c> with no listener throws the error, as Node does.</exception>
    public bool Emit(string eventName, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        try
        {
            var listeners = Snapshot(eventName);
            if (listeners.Length == 0)
            {
                if (eventName == "error")
                {
                    ThrowUnhandledError(args.Length > 0 ? args[0] : null);
                }
                return false;
            }
            foreach (var listener in listeners)
            {
                if (listener.TryFire())
                {
                    if (listener.Once)
                    {
                        Remove(eventName, listener);
                    }
                    listener.Invoke(this, eventName, new ReadOnlySpan<object?>(args));
                }
            }
            return true;
        }
        catch (Exception ex) when (ErrorSource.Tag(ex, this))
        {
            throw;
        }
    }

    /// <summary>The number of listeners for <paramref name="eventName"/>, once-listeners included.</summary>
    /// <param name="eventName">The event name.</param>
    /// <returns>The count.</returns>
    public int ListenerCount(string eventName) => Snapshot(eventName).Length;

    /// <summary>A copy of the delegates registered for <paramref name="eventName"/>, in call order.</summary>
    /// <param name="eventName">The event name.</param>
    /// <returns>The delegates as registered (once-listeners unwrapped).</returns>
    public IReadOnlyList<Delegate> Listeners(string eventName) => Array.ConvertAll(Snapshot(eventName), l => l.Callback);

    /// <summary>The names of events that have listeners, in the order they were first added.</summary>
    /// <returns>The event names.</returns>
    public IReadOnlyList<string> EventNames()
    {
        var events = Volatile.Read(ref _events);
        return events is null ? [] : Array.ConvertAll(events, e => e.Name);
    }

    /// <summary>
    /// The emitter an exception escaped from: the innermost one whose listener threw it, or that
    /// emitted it as an <c>"error"</c> with no listener (beyond Node, which has no such lookup).
    /// </summary>
    /// <remarks>
    /// Meant for an <c>"uncaughtException"</c> listener that wants to name, or destroy, the socket
    /// or server concerned, as the hosting package's does. An error thrown straight out of a
    /// server's <c>"connection"</c> listener names the server (whose listener it is), not the new
    /// socket. Null for an error that did not come out of an emit (a timer or a posted callback).
    /// </remarks>
    /// <param name="error">An exception, typically one received by <c>"uncaughtException"</c>.</param>
    /// <returns>The socket, server or other emitter, or null.</returns>
    public static EventEmitter? SourceOf(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ErrorSource.Of(error);
    }

    /// <summary>Emits a one-argument event without allocating an argument array (hot paths: <c>data</c>).</summary>
    internal bool Emit1<T>(string eventName, T arg)
    {
        try
        {
            var listeners = Snapshot(eventName);
            if (listeners.Length == 0)
            {
                if (eventName == "error")
                {
                    ThrowUnhandledError(arg);
                }
                return false;
            }
            foreach (var listener in listeners)
            {
                if (listener.TryFire())
                {
                    if (listener.Once)
                    {
                        Remove(eventName, listener);
                    }
                    listener.InvokeOne(this, eventName, arg);
                }
            }
            return true;
        }
        catch (Exception ex) when (ErrorSource.Tag(ex, this))
        {
            throw;
        }
    }

    /// <summary>True when <paramref name="eventName"/> has at least one listener.</summary>
    internal bool HasListeners(string eventName) => Snapshot(eventName).Length > 0;

    /// <summary>Called after a listener was added for <paramref name="eventName"/> (Node's <c>newListener</c> hook for subclasses).</summary>
    /// <param name="eventName">The event whose listener list grew.</param>
    private protected virtual void OnListenerAdded(string eventName)
    {
    }

    private static T NotNull<T>(T listener)
        where T : Delegate
    {
        if (listener is null)
        {
            throw NodeErrors.InvalidArgType("listener", "of type function", null);
        }
        return listener;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowUnhandledError(object? error)
    {
        if (error is Exception ex)
        {
            ExceptionDispatchInfo.Throw(ex);
        }
        throw NodeErrors.Unhandled(error);
    }

    private Listener[] Snapshot(string eventName)
    {
        var events = Volatile.Read(ref _events);
        if (events is null)
        {
            return [];
        }
        var i = IndexOf(events, eventName);
        return i < 0 ? [] : events[i].Listeners;
    }

    private static int IndexOf(EventSlot[] events, string eventName)
    {
        for (var i = 0; i < events.Length; i++)
        {
            var name = events[i].Name;
            if (ReferenceEquals(name, eventName) || string.Equals(name, eventName, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Publishes a new listener list for one event (non-empty); a new event goes last.</summary>
    private void SetListenersLocked(string eventName, Listener[] listeners)
    {
        var events = _events ?? [];
        var i = IndexOf(events, eventName);
        EventSlot[] next;
        if (i >= 0)
        {
            next = (EventSlot[])events.Clone();
            next[i] = new EventSlot(events[i].Name, listeners);
        }
        else
        {
            next = new EventSlot[events.Length + 1];
            Array.Copy(events, next, events.Length);
            next[^1] = new EventSlot(eventName, listeners);
        }
        Volatile.Write(ref _events, next);
    }

    private void RemoveEventLocked(string eventName)
    {
        var events = _events;
        var i = events is null ? -1 : IndexOf(events, eventName);
        if (i < 0)
        {
            return;
        }
        if (events!.Length == 1)
        {
            Volatile.Write(ref _events, null);
            return;
        }
        var next = new EventSlot[events.Length - 1];
        Array.Copy(events, 0, next, 0, i);
        Array.Copy(events, i + 1, next, i, events.Length - i - 1);
        Volatile.Write(ref _events, next);
    }

    private Listener[] ListenersLocked(string eventName)
    {
        var events = _events;
        var i = events is null ? -1 : IndexOf(events, eventName);
        return i < 0 ? [] : events![i].Listeners;
    }

    private EventEmitter Add(string eventName, Listener listener, bool prepend)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (HasListeners("newListener"))
        {
            Emit("newListener", eventName, listener.Callback);
        }
        (int Count, int Max) exceeded = default;
        lock (_sync)
        {
            var list = ListenersLocked(eventName);
            var grown = new Listener[list.Length + 1];
            if (prepend)
            {
                grown[0] = listener;
                Array.Copy(list, 0, grown, 1, list.Length);
            }
            else
            {
                Array.Copy(list, grown, list.Length);
                grown[^1] = listener;
            }
            SetListenersLocked(eventName, grown);
            var max = GetMaxListeners();
            if (max > 0 && grown.Length > max && (_warned ??= new(StringComparer.Ordinal)).Add(eventName))
            {
                exceeded = (grown.Length, max);
            }
        }
        if (exceeded.Max > 0)
        {
            WarnMaxListeners(eventName, exceeded.Count, exceeded.Max);
        }
        OnListenerAdded(eventName);
        return this;
    }

    private EventEmitter Remove(string eventName, Delegate listener)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        NotNull(listener);
        Listener? removed = null;
        lock (_sync)
        {
            var list = ListenersLocked(eventName);
            for (var i = list.Length - 1; i >= 0; i--)
            {
                if (Equals(list[i].Callback, listener))
                {
                    removed = list[i];
                    RemoveAt(eventName, list, i);
                    break;
                }
            }
        }
        if (removed is not null && HasListeners("removeListener"))
        {
            Emit("removeListener", eventName, removed.Callback);
        }
        return this;
    }

    private void Remove(string eventName, Listener listener)
    {
        lock (_sync)
        {
            var list = ListenersLocked(eventName);
            var i = Array.IndexOf(list, listener);
            if (i >= 0)
            {
                RemoveAt(eventName, list, i);
            }
        }
    }

    private void RemoveAt(string eventName, Listener[] list, int index)
    {
        if (list.Length == 1)
        {
            RemoveEventLocked(eventName);
            return;
        }
        var shrunk = new Listener[list.Length - 1];
        Array.Copy(list, 0, shrunk, 0, index);
        Array.Copy(list, index + 1, shrunk, index, list.Length - index - 1);
        SetListenersLocked(eventName, shrunk);
    }

    /// <summary>One event and its listeners, in registration order.</summary>
    private readonly record struct EventSlot(string Name, Listener[] Listeners);
}
