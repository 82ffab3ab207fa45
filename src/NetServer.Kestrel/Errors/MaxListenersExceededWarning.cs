namespace NetServer;

/// <summary>
/// Node's <c>MaxListenersExceededWarning</c>: an event got more listeners than the emitter's
/// <see cref="EventEmitter.GetMaxListeners"/>, usually a leak. Emitted once per emitter and event,
/// as <c>"warning"</c> on the emitter's loop, with Node's fields and message.
/// </summary>
public sealed class MaxListenersExceededWarning : NodeWarning
{
    internal MaxListenersExceededWarning(EventEmitter emitter, string type, int count, int max)
        : base(
            nameof(MaxListenersExceededWarning),
            $"Possible EventEmitter memory leak detected. {count} {type} listeners added to [{emitter.GetType().Name}]. MaxListeners is {max}. Use emitter.setMaxListeners() to increase limit")
    {
        Emitter = emitter;
        Type = type;
        Count = count;
    }

    /// <summary>The emitter that got too many listeners (Node's <c>warning.emitter</c>).</summary>
    public EventEmitter Emitter { get; }

    /// <summary>The event name (Node's <c>warning.type</c>).</summary>
    public string Type { get; }

    /// <summary>How many listeners the event had when the warning was raised (Node's <c>warning.count</c>).</summary>
    public int Count { get; }
}
