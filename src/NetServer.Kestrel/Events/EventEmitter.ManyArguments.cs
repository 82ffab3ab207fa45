using NetServer.Events;

namespace NetServer;

/// <summary>The three- and four-argument listener shapes (client events such as <c>"lookup"</c> and <c>"connectionAttemptFailed"</c>).</summary>
public partial class EventEmitter
{
    /// <summary>Adds a listener that receives the event's first 3 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter On<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => Add(eventName, new Listener3<T1, T2, T3>(NotNull(listener), false), false);

    /// <summary>Adds a one-time listener that receives the event's first 3 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter Once<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => Add(eventName, new Listener3<T1, T2, T3>(NotNull(listener), true), false);

    /// <summary>Adds a listener at the front that receives the event's first 3 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => Add(eventName, new Listener3<T1, T2, T3>(NotNull(listener), false), true);

    /// <summary>Adds a one-time listener at the front that receives the event's first 3 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependOnceListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => Add(eventName, new Listener3<T1, T2, T3>(NotNull(listener), true), true);

    /// <summary>Same as On that receives the event's first 3 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter AddListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => On(eventName, listener);

    /// <summary>Adds a listener that receives the event's first 4 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <typeparam name="T4">The type of argument 4.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter On<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener) => Add(eventName, new Listener4<T1, T2, T3, T4>(NotNull(listener), false), false);

    /// <summary>Adds a one-time listener that receives the event's first 4 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <typeparam name="T4">The type of argument 4.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter Once<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener) => Add(eventName, new Listener4<T1, T2, T3, T4>(NotNull(listener), true), false);

    /// <summary>Adds a listener at the front that receives the event's first 4 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <typeparam name="T4">The type of argument 4.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependListener<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener) => Add(eventName, new Listener4<T1, T2, T3, T4>(NotNull(listener), false), true);

    /// <summary>Adds a one-time listener at the front that receives the event's first 4 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <typeparam name="T4">The type of argument 4.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter PrependOnceListener<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener) => Add(eventName, new Listener4<T1, T2, T3, T4>(NotNull(listener), true), true);

    /// <summary>Same as On that receives the event's first 4 arguments.</summary>
    /// <typeparam name="T1">The type of argument 1.</typeparam>
    /// <typeparam name="T2">The type of argument 2.</typeparam>
    /// <typeparam name="T3">The type of argument 3.</typeparam>
    /// <typeparam name="T4">The type of argument 4.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">The callback.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter AddListener<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener) => On(eventName, listener);
}
