namespace NetServer.Events;

internal sealed class Listener3<T1, T2, T3>(Action<T1, T2, T3> callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(EventEmitter emitter, string eventName, ReadOnlySpan<object?> args) =>
        callback(Arg<T1>(emitter, eventName, args, 0), Arg<T2>(emitter, eventName, args, 1), Arg<T3>(emitter, eventName, args, 2));
}

internal sealed class Listener4<T1, T2, T3, T4>(Action<T1, T2, T3, T4> callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(EventEmitter emitter, string eventName, ReadOnlySpan<object?> args) =>
        callback(
            Arg<T1>(emitter, eventName, args, 0),
            Arg<T2>(emitter, eventName, args, 1),
            Arg<T3>(emitter, eventName, args, 2),
            Arg<T4>(emitter, eventName, args, 3));
}
