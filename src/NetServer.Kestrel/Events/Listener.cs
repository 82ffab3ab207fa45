namespace NetServer.Events;

/// <summary>
/// One registered listener: the user's delegate plus how to call it with an event's arguments.
/// Node's arity rule applies: a listener with fewer parameters receives the first arguments, a
/// missing argument arrives as <c>default</c>, and a wrong type throws <see cref="InvalidCastException"/>
/// naming the event, the listener's type and the argument's type (<see cref="ListenerArgumentError"/>).
/// </summary>
/// <remarks>The emitter and event name are passed on every call, not stored per listener: they
/// are only needed to word the error, and a field would cost every socket's listeners memory.</remarks>
internal abstract class Listener
{
    private int _fired;

    protected Listener(bool once) => Once = once;

    /// <summary>The delegate the user registered (what <c>Listeners()</c> and <c>Off()</c> compare against).</summary>
    public abstract Delegate Callback { get; }

    public bool Once { get; }

    /// <summary>For once-listeners: marks the listener fired; false if it already was (Node's <c>state.fired</c>).</summary>
    public bool TryFire() => !Once || Interlocked.Exchange(ref _fired, 1) == 0;

    public abstract void Invoke(EventEmitter emitter, string eventName, ReadOnlySpan<object?> args);

    /// <summary>Calls a one-argument listener without boxing the argument into an array (the data hot path).</summary>
    /// <remarks>Named apart from <see cref="Invoke"/>: with one name, an <c>object?[]</c> argument
    /// binds to the generic overload (identity beats the span conversion).</remarks>
    public virtual void InvokeOne<T>(EventEmitter emitter, string eventName, T arg)
    {
        object?[] one = [arg];
        Invoke(emitter, eventName, new ReadOnlySpan<object?>(one));
    }

    protected T Arg<T>(EventEmitter emitter, string eventName, ReadOnlySpan<object?> args, int index)
    {
        if (index >= args.Length || args[index] is not { } value)
        {
            return default!;
        }
        // A type test instead of a cast, so that the failure can say which event and listener it was.
        return value is T typed ? typed : throw ListenerArgumentError.Create(emitter, eventName, Callback, index, value);
    }
}

internal sealed class Listener0(Action callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(EventEmitter emitter, string eventName, ReadOnlySpan<object?> args) => callback();

    public override void InvokeOne<T>(EventEmitter emitter, string eventName, T arg) => callback();
}

internal sealed class Listener1<TArg>(Action<TArg> callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(EventEmitter emitter, string eventName, ReadOnlySpan<object?> args) =>
        callback(Arg<TArg>(emitter, eventName, args, 0));

    public override void InvokeOne<T>(EventEmitter emitter, string eventName, T arg)
    {
        if (arg is TArg typed)
        {
            callback(typed);
        }
        else
        {
            base.InvokeOne(emitter, eventName, arg);
        }
    }
}

internal sealed class Listener2<T1, T2>(Action<T1, T2> callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(EventEmitter emitter, string eventName, ReadOnlySpan<object?> args) =>
        callback(Arg<T1>(emitter, eventName, args, 0), Arg<T2>(emitter, eventName, args, 1));
}
