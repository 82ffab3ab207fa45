namespace NetServer;

#pragma warning disable CA1061 // The hiding members only narrow the return type of the base members they call.
public abstract partial class EventEmitter<TSelf>
{
    /// <inheritdoc cref="EventEmitter.On{T1,T2,T3}(string, Action{T1,T2,T3})"/>
    public new TSelf On<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener)
    {
        base.On(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.Once{T1,T2,T3}(string, Action{T1,T2,T3})"/>
    public new TSelf Once<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener)
    {
        base.Once(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.PrependListener{T1,T2,T3}(string, Action{T1,T2,T3})"/>
    public new TSelf PrependListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener)
    {
        base.PrependListener(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.PrependOnceListener{T1,T2,T3}(string, Action{T1,T2,T3})"/>
    public new TSelf PrependOnceListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener)
    {
        base.PrependOnceListener(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.AddListener{T1,T2,T3}(string, Action{T1,T2,T3})"/>
    public new TSelf AddListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener)
    {
        base.AddListener(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.On{T1,T2,T3,T4}(string, Action{T1,T2,T3,T4})"/>
    public new TSelf On<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener)
    {
        base.On(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.Once{T1,T2,T3,T4}(string, Action{T1,T2,T3,T4})"/>
    public new TSelf Once<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener)
    {
        base.Once(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.PrependListener{T1,T2,T3,T4}(string, Action{T1,T2,T3,T4})"/>
    public new TSelf PrependListener<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener)
    {
        base.PrependListener(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.PrependOnceListener{T1,T2,T3,T4}(string, Action{T1,T2,T3,T4})"/>
    public new TSelf PrependOnceListener<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener)
    {
        base.PrependOnceListener(eventName, listener);
        return (TSelf)this;
    }

    /// <inheritdoc cref="EventEmitter.AddListener{T1,T2,T3,T4}(string, Action{T1,T2,T3,T4})"/>
    public new TSelf AddListener<T1, T2, T3, T4>(string eventName, Action<T1, T2, T3, T4> listener)
    {
        base.AddListener(eventName, listener);
        return (TSelf)this;
    }
}
#pragma warning restore CA1061
