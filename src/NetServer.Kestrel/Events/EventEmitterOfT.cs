namespace NetServer;

/// <summary>
/// <see cref="EventEmitter"/> whose chaining methods return the derived type, so
/// <c>server.On("listening", ...).On("error", ...)</c> stays a <typeparamref name="TSelf"/>.
/// </summary>
/// <typeparam name="TSelf">The derived emitter type.</typeparam>
#pragma warning disable CA1061 // The hiding members only narrow the return type of the base members they call.
public abstract partial class EventEmitter<TSelf> : EventEmitter
    where TSelf : EventEmitter<TSelf>
{
    private TSelf Self => (TSelf)this;

    /// <inheritdoc cref="EventEmitter.On(string, Action)"/>
    public new TSelf On(string eventName, Action listener)
    {
        base.On(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.On{T}(string, Action{T})"/>
    public new TSelf On<T>(string eventName, Action<T> listener)
    {
        base.On(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.On{T1,T2}(string, Action{T1,T2})"/>
    public new TSelf On<T1, T2>(string eventName, Action<T1, T2> listener)
    {
        base.On(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.AddListener(string, Action)"/>
    public new TSelf AddListener(string eventName, Action listener)
    {
        base.AddListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.AddListener{T}(string, Action{T})"/>
    public new TSelf AddListener<T>(string eventName, Action<T> listener)
    {
        base.AddListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.AddListener{T1,T2}(string, Action{T1,T2})"/>
    public new TSelf AddListener<T1, T2>(string eventName, Action<T1, T2> listener)
    {
        base.AddListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.Once(string, Action)"/>
    public new TSelf Once(string eventName, Action listener)
    {
        base.Once(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.Once{T}(string, Action{T})"/>
    public new TSelf Once<T>(string eventName, Action<T> listener)
    {
        base.Once(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.Once{T1,T2}(string, Action{T1,T2})"/>
    public new TSelf Once<T1, T2>(string eventName, Action<T1, T2> listener)
    {
        base.Once(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.PrependListener(string, Action)"/>
    public new TSelf PrependListener(string eventName, Action listener)
    {
        base.PrependListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.PrependListener{T}(string, Action{T})"/>
    public new TSelf PrependListener<T>(string eventName, Action<T> listener)
    {
        base.PrependListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.PrependListener{T1,T2}(string, Action{T1,T2})"/>
    public new TSelf PrependListener<T1, T2>(string eventName, Action<T1, T2> listener)
    {
        base.PrependListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.PrependOnceListener(string, Action)"/>
    public new TSelf PrependOnceListener(string eventName, Action listener)
    {
        base.PrependOnceListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.PrependOnceListener{T}(string, Action{T})"/>
    public new TSelf PrependOnceListener<T>(string eventName, Action<T> listener)
    {
        base.PrependOnceListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.PrependOnceListener{T1,T2}(string, Action{T1,T2})"/>
    public new TSelf PrependOnceListener<T1, T2>(string eventName, Action<T1, T2> listener)
    {
        base.PrependOnceListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.Off(string, Delegate)"/>
    public new TSelf Off(string eventName, Delegate listener)
    {
        base.Off(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.RemoveListener(string, Delegate)"/>
    public new TSelf RemoveListener(string eventName, Delegate listener)
    {
        base.RemoveListener(eventName, listener);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.RemoveAllListeners(string?)"/>
    public new TSelf RemoveAllListeners(string? eventName = null)
    {
        base.RemoveAllListeners(eventName);
        return Self;
    }

    /// <inheritdoc cref="EventEmitter.SetMaxListeners(int)"/>
    public new TSelf SetMaxListeners(int n)
    {
        base.SetMaxListeners(n);
        return Self;
    }
}
#pragma warning restore CA1061
