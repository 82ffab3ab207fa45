namespace NetServer.Kestrel.Tests.Validation;

/// <summary>EventEmitter argument errors, as Node 24's <c>events</c> module throws them (synchronously).</summary>
public sealed class EmitterInputTests
{
    public static TheoryData<string, Action<EventEmitter>> NullListenerCalls => new()
    {
        { "On", e => e.On("x", (Action)null!) },
        { "On<T>", e => e.On<int>("x", null!) },
        { "On<T1,T2>", e => e.On<int, int>("x", null!) },
        { "AddListener", e => e.AddListener("x", (Action)null!) },
        { "Once", e => e.Once("x", (Action)null!) },
        { "Once<T>", e => e.Once<int>("x", null!) },
        { "PrependListener", e => e.PrependListener("x", (Action)null!) },
        { "PrependOnceListener", e => e.PrependOnceListener("x", (Action)null!) },
        { "Off", e => e.Off("x", null!) },
        { "RemoveListener", e => e.RemoveListener("x", null!) },
    };

    [Theory]
    [MemberData(nameof(NullListenerCalls))]
    public void A_null_listener_throws_ERR_INVALID_ARG_TYPE(string member, Action<EventEmitter> call)
    {
        var emitter = new EventEmitter();
        emitter.On("x", () => { });
        var ex = Assert.Throws<NodeTypeError>(() => call(emitter));
        Assert.IsAssignableFrom<ArgumentException>(ex);
        Assert.Equal("ERR_INVALID_ARG_TYPE", ex.Code);
        Assert.Equal("The \"listener\" argument must be of type function. Received undefined", ex.Message);
        Assert.True(emitter.ListenerCount("x") == 1, $"{member} changed the listener list");
    }

    [Fact]
    public void Negative_max_listeners_throws_Node_24s_range_error()
    {
        var emitter = new EventEmitter();
        var ex = Assert.Throws<NodeRangeError>(() => emitter.SetMaxListeners(int.MinValue));
        Assert.Equal("ERR_OUT_OF_RANGE", ex.Code);
        Assert.Equal("The value of \"setMaxListeners\" is out of range. It must be >= 0. Received -2147483648", ex.Message);
        Assert.Equal(EventEmitter.DefaultMaxListeners, emitter.GetMaxListeners());
    }

    [Fact]
    public void Negative_default_max_listeners_throws_and_keeps_the_default()
    {
        var before = EventEmitter.DefaultMaxListeners;
        var ex = Assert.Throws<NodeRangeError>(() => EventEmitter.DefaultMaxListeners = -1);
        Assert.IsAssignableFrom<ArgumentOutOfRangeException>(ex);
        Assert.Equal("ERR_OUT_OF_RANGE", ex.Code);
        Assert.Equal("The value of \"defaultMaxListeners\" is out of range. It must be >= 0. Received -1", ex.Message);
        Assert.Equal(before, EventEmitter.DefaultMaxListeners);
    }
}
