using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.EventsBehaviour;

public sealed class EventEmitterTests
{
    [Fact]
    public void Listeners_run_in_registration_order()
    {
        var e = new EventEmitter();
        var order = new List<int>();
        e.On("x", () => order.Add(1));
        e.On<int>("x", _ => order.Add(2));
        e.AddListener("x", () => order.Add(3));
        Assert.True(e.Emit("x", 0));
        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public void Emit_without_listeners_returns_false()
    {
        var e = new EventEmitter();
        Assert.False(e.Emit("nothing"));
    }

    [Fact]
    public void A_listener_added_during_an_emit_does_not_run_in_that_emit()
    {
        var e = new EventEmitter();
        var calls = new List<string>();
        e.On("x", () =>
        {
            calls.Add("first");
            e.On("x", () => calls.Add("late"));
        });
        e.Emit("x");
        Assert.Equal(["first"], calls);
        e.Emit("x");
        Assert.Equal(["first", "first", "late"], calls);
    }

    [Fact]
    public void Removing_a_listener_during_an_emit_does_not_affect_that_emit()
    {
        var e = new EventEmitter();
        var calls = new List<string>();
        Action second = () => calls.Add("second");
        e.On("x", () =>
        {
            calls.Add("first");
            e.Off("x", second);
        });
        e.On("x", second);
        e.Emit("x");
        Assert.Equal(["first", "second"], calls);
        e.Emit("x");
        Assert.Equal(["first", "second", "first"], calls);
    }

    [Fact]
    public void Once_listener_is_removed_before_it_runs()
    {
        var e = new EventEmitter();
        var countInside = -1;
        var calls = 0;
        e.Once("x", () =>
        {
            calls++;
            countInside = e.ListenerCount("x");
        });
        Assert.Equal(1, e.ListenerCount("x"));
        e.Emit("x");
        Assert.Equal(0, countInside);
        e.Emit("x");
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Once_listener_that_reemits_runs_only_once()
    {
        var e = new EventEmitter();
        var calls = 0;
        e.Once("x", () =>
        {
            calls++;
            e.Emit("x");
        });
        e.Emit("x");
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Prepend_and_PrependOnce_put_listeners_first()
    {
        var e = new EventEmitter();
        var order = new List<string>();
        e.On("x", () => order.Add("on"));
        e.PrependListener("x", () => order.Add("prepend"));
        e.PrependOnceListener<int>("x", _ => order.Add("prependOnce"));
        e.Emit("x", 1);
        e.Emit("x", 2);
        Assert.Equal(["prependOnce", "prepend", "on", "prepend", "on"], order);
    }

    [Fact]
    public void Off_removes_the_most_recently_added_instance()
    {
        var e = new EventEmitter();
        var order = new List<string>();
        Action a = () => order.Add("a");
        Action b = () => order.Add("b");
        e.On("x", a).On("x", b).On("x", a);
        e.Off("x", a);
        e.Emit("x");
        Assert.Equal(["a", "b"], order);
        Assert.Equal([a, b], e.Listeners("x"));
    }

    [Fact]
    public void Off_removes_a_once_listener_by_its_original_delegate()
    {
        var e = new EventEmitter();
        var calls = 0;
        Action a = () => calls++;
        e.Once("x", a);
        e.RemoveListener("x", a);
        e.Emit("x");
        Assert.Equal(0, calls);
        Assert.Equal(0, e.ListenerCount("x"));
    }

    [Fact]
    public void ListenerCount_counts_once_listeners()
    {
        var e = new EventEmitter();
        e.On("x", () => { });
        e.Once("x", () => { });
        e.PrependOnceListener("x", () => { });
        Assert.Equal(3, e.ListenerCount("x"));
        e.Emit("x");
        Assert.Equal(1, e.ListenerCount("x"));
    }

    [Fact]
    public void Listeners_returns_the_original_delegates_in_call_order()
    {
        var e = new EventEmitter();
        Action a = () => { };
        Action<int> b = _ => { };
        Action<string, int> c = (_, _) => { };
        e.On("x", a);
        e.Once("x", b);
        e.PrependListener("x", c);
        var listeners = e.Listeners("x");
        Assert.Equal(3, listeners.Count);
        Assert.Same(c, listeners[0]);
        Assert.Same(a, listeners[1]);
        Assert.Same(b, listeners[2]);
        Assert.Empty(e.Listeners("none"));
    }

    [Fact]
    public void EventNames_lists_events_with_listeners_in_first_added_order()
    {
        var e = new EventEmitter();
        Action a = () => { };
        e.On("b", a).On("a", () => { }).On("b", () => { });
        Assert.Equal(["b", "a"], e.EventNames());
        e.RemoveAllListeners("a");
        Assert.Equal(["b"], e.EventNames());
        e.RemoveAllListeners();
        Assert.Empty(e.EventNames());
    }

    [Fact]
    public void An_event_removed_and_added_again_moves_to_the_end_of_EventNames_as_in_Node()
    {
        // Node 24: on a, b, c; off a; on d, a -> ["b","c","d","a"] (object key order).
        var e = new EventEmitter();
        Action f = () => { };
        e.On("a", f).On("b", f).On("c", f).Off("a", f);
        e.On("d", f).On("a", f);
        Assert.Equal(["b", "c", "d", "a"], e.EventNames());
    }

    [Fact]
    public void Error_with_no_listener_throws_the_error_object_itself()
    {
        var e = new EventEmitter();
        var error = new InvalidOperationException("boom");
        var thrown = Assert.Throws<InvalidOperationException>(() => e.Emit("error", error));
        Assert.Same(error, thrown);
    }

    [Fact]
    public void Error_with_a_listener_does_not_throw()
    {
        var e = new EventEmitter();
        Exception? seen = null;
        e.On<Exception>("error", ex => seen = ex);
        var error = new InvalidOperationException("boom");
        Assert.True(e.Emit("error", error));
        Assert.Same(error, seen);
    }

    [Fact]
    public void Error_with_a_non_exception_value_throws_ERR_UNHANDLED_ERROR()
    {
        var e = new EventEmitter();
        var thrown = Assert.ThrowsAny<Exception>(() => e.Emit("error", "boom"));
        var nodeError = Assert.IsAssignableFrom<INodeError>(thrown);
        Assert.Equal("ERR_UNHANDLED_ERROR", nodeError.Code);
        Assert.Equal("Unhandled error. ('boom')", thrown.Message);
        Assert.IsNotAssignableFrom<ArgumentException>(thrown);
    }

    [Fact]
    public void An_Action_listener_on_a_two_argument_event_runs()
    {
        var e = new EventEmitter();
        var ran = false;
        e.On("x", () => ran = true);
        e.Emit("x", 1, "two");
        Assert.True(ran);
    }

    [Fact]
    public void A_listener_receives_the_first_arguments()
    {
        var e = new EventEmitter();
        (int, string)? got = null;
        var first = 0;
        e.On<int, string>("x", (a, b) => got = (a, b));
        e.On<int>("x", a => first = a);
        e.Emit("x", 7, "seven", 3.5);
        Assert.Equal((7, "seven"), got);
        Assert.Equal(7, first);
    }

    [Fact]
    public void An_object_listener_receives_the_argument_not_the_argument_array()
    {
        var e = new EventEmitter();
        object? got = null;
        (object?, object?) two = default;
        e.On<object>("x", v => got = v);
        e.On<object, object>("x", (a, b) => two = (a, b));
        e.Emit("x", 5, "five");
        Assert.Equal(5, got);
        Assert.Equal((5, "five"), two);
    }

    [Fact]
    public void A_missing_argument_arrives_as_default()
    {
        var e = new EventEmitter();
        var gotInt = -1;
        string? gotString = "unset";
        var calls = 0;
        e.On<int, string?>("x", (a, b) =>
        {
            calls++;
            gotInt = a;
            gotString = b;
        });
        e.Emit("x");
        Assert.Equal(1, calls);
        Assert.Equal(0, gotInt);
        Assert.Null(gotString);

        DropArgument? drop = new();
        e.On<DropArgument?>("drop", d => drop = d);
        e.Emit("drop");
        Assert.Null(drop);
    }

    [Fact]
    public void An_argument_of_the_wrong_type_throws_InvalidCastException()
    {
        var e = new EventEmitter();
        e.On<int>("x", _ => { });
        var x = Assert.Throws<InvalidCastException>(() => e.Emit("x", "not an int"));
        Assert.Equal("The \"x\" listener on EventEmitter is an Action<int>, but the event's first argument is a string.", x.Message);
        e.On<string>("y", _ => { });
        var y = Assert.Throws<InvalidCastException>(() => e.Emit("y", 42));
        Assert.Equal("The \"y\" listener on EventEmitter is an Action<string>, but the event's first argument is an int.", y.Message);
        e.On<string, List<int>>("z", (_, _) => { });
        var z = Assert.Throws<InvalidCastException>(() => e.Emit("z", "fine", new byte[1]));
        Assert.Equal("The \"z\" listener on EventEmitter is an Action<string, List<int>>, but the event's second argument is a byte[].", z.Message);
    }

    [Fact]
    public void An_exception_of_the_listener_itself_is_not_reworded()
    {
        var e = new EventEmitter();
        var own = new InvalidCastException("the listener's own");
        e.On<int>("x", _ => throw own);
        Assert.Same(own, Assert.Throws<InvalidCastException>(() => e.Emit("x", 1)));
    }

    [Fact]
    public void SourceOf_names_the_innermost_emitter_an_exception_escaped_from()
    {
        var outer = new EventEmitter();
        var inner = new EventEmitter();
        inner.On("y", () => throw new InvalidOperationException("inner listener"));
        outer.On("x", () => inner.Emit("y"));
        var nested = Assert.Throws<InvalidOperationException>(() => outer.Emit("x"));
        Assert.Same(inner, EventEmitter.SourceOf(nested));

        // An "error" nobody listens to is thrown by the emitter that emitted it.
        var unheard = new NodeError("ERR_X", "nobody listens");
        Assert.Same(unheard, Assert.Throws<NodeError>(() => outer.Emit("error", unheard)));
        Assert.Same(outer, EventEmitter.SourceOf(unheard));

        Assert.Null(EventEmitter.SourceOf(new InvalidOperationException("never emitted")));
        Assert.Throws<ArgumentNullException>(() => EventEmitter.SourceOf(null!));
    }

    [Fact]
    public void SetMaxListeners_negative_throws_ERR_OUT_OF_RANGE()
    {
        var e = new EventEmitter();
        var ex = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => e.SetMaxListeners(-1));
        Assert.Equal("ERR_OUT_OF_RANGE", Assert.IsAssignableFrom<INodeError>(ex).Code);
        Assert.Equal("The value of \"setMaxListeners\" is out of range. It must be >= 0. Received -1", ex.Message);
        Assert.Equal(10, e.GetMaxListeners());
        e.SetMaxListeners(0);
        Assert.Equal(0, e.GetMaxListeners());
    }

    [Fact]
    public void Fluent_returns_are_the_derived_type()
    {
        using var t = new TestLoop();
        var server = t.CreateServer();
        // Compile-time checks: each call returns Server, so Server-only members are reachable.
        Server same = server.On("listening", () => { })
            .Once<Exception>("error", _ => { })
            .PrependListener("close", () => { })
            .AddListener<Socket>("connection", _ => { })
            .PrependOnceListener("close", () => { })
            .SetMaxListeners(20)
            .RemoveAllListeners("close");
        Assert.Same(server, same);
        Assert.False(same.Listening);
        EventLoop loop = t.Loop.On("x", () => { }).Off("x", (Action)(() => { }));
        Assert.Same(t.Loop, loop);
    }
}
