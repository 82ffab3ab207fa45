namespace NetServer.Events;

/// <summary>
/// One registered listener: the user's delegate plus how to call it with an event's arguments.
/// Node's arity rule applies: a listener with fewer parameters receives the first arguments, a
/// missing argument arrives as <c>default</c>, and a wrong type throws <see cref="InvalidCastException"/>.
/// </summary>
internal abstract class Listener
{
    private int _fired;

    protected Listener(bool once) => Once = once;

    /// <summary>The delegate the user registered (what <c>Listeners()</c> and <c>Off()</c> compare against).</summary>
    public abstract Delegate Callback { get; }

    public bool Once { get; }

    /// <summary>For once-listeners: marks the listener fired; false if it already was (Node's <c>state.fired</c>).</summary>
    public bool TryFire() => !Once || Interlocked.Exchange(ref _fired, 1) == 0;

    public abstract void Invoke(ReadOnlySpan<object?> args);

    /// <summary>Calls a one-argument listener without boxing the argument into an array (the data hot path).</summary>
    public virtual void Invoke<T>(T arg)
    {
        object?[] one = [arg];
        Invoke(new ReadOnlySpan<object?>(one)); // not Invoke(one): that binds to Invoke<object?[]> and recurses forever
    }

    protected static T Arg<T>(ReadOnlySpan<object?> args, int index) =>
        index < args.Length && args[index] is { } value ? (T)value : default!;
}

internal sealed class Listener0(Action callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(ReadOnlySpan<object?> args) => callback();

    public override void Invoke<T>(T arg) => callback();
}

internal sealed class Listener1<TArg>(Action<TArg> callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(ReadOnlySpan<object?> args) => callback(Arg<TArg>(args, 0));

    public override void Invoke<T>(T arg)
    {
        if (arg is TArg typed)
        {
            callback(typed);
        }
        else
        {
            base.Invoke(arg);
        }
    }
}

internal sealed class Listener2<T1, T2>(Action<T1, T2> callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(ReadOnlySpan<object?> args) => callback(Arg<T1>(args, 0), Arg<T2>(args, 1));
}
