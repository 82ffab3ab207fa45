namespace NetServer.Events;

internal sealed class Listener3<T1, T2, T3>(Action<T1, T2, T3> callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(ReadOnlySpan<object?> args) => callback(Arg<T1>(args, 0), Arg<T2>(args, 1), Arg<T3>(args, 2));
}

internal sealed class Listener4<T1, T2, T3, T4>(Action<T1, T2, T3, T4> callback, bool once) : Listener(once)
{
    public override Delegate Callback => callback;

    public override void Invoke(ReadOnlySpan<object?> args) =>
        callback(Arg<T1>(args, 0), Arg<T2>(args, 1), Arg<T3>(args, 2), Arg<T4>(args, 3));
}
