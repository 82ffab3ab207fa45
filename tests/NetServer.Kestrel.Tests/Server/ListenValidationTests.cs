using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Node §3: argument errors are thrown synchronously, with Node's class, code and message.</summary>
public sealed class ListenValidationTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Bad_positional_port_throws_a_range_error(int port)
    {
        var server = _t.CreateServer();
        var ex = Assert.Throws<NodeRangeError>(() => server.Listen(port));
        Assert.IsAssignableFrom<ArgumentOutOfRangeException>(ex);
        Assert.Equal("ERR_SOCKET_BAD_PORT", ex.Code);
        Assert.Equal($"options.port should be >= 0 and < 65536. Received type number ({port}).", ex.Message);
        Assert.False(server.Listening);
        Assert.Null(server.Address());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Bad_port_in_every_form_uses_the_options_port_label(int port)
    {
        var server = _t.CreateServer();
        var expected = $"options.port should be >= 0 and < 65536. Received type number ({port}).";
        Assert.Equal(expected, Assert.Throws<NodeRangeError>(() => server.Listen(port, "127.0.0.1")).Message);
        Assert.Equal(expected, Assert.Throws<NodeRangeError>(() => server.Listen(port, 5)).Message);
        Assert.Equal(expected, Assert.Throws<NodeRangeError>(() => server.Listen(port, "127.0.0.1", 5)).Message);
        var ex = Assert.Throws<NodeRangeError>(() => server.Listen(new ServerListenOptions { Port = port }));
        Assert.Equal(expected, ex.Message);
        Assert.Equal("ERR_SOCKET_BAD_PORT", ((INodeError)ex).Code);
    }

    [Fact]
    public void Options_without_port_path_or_fd_throw_a_type_error()
    {
        var server = _t.CreateServer();
        var ex = Assert.Throws<NodeTypeError>(() => server.Listen(new ServerListenOptions { Host = "127.0.0.1" }));
        Assert.IsAssignableFrom<ArgumentException>(ex);
        Assert.IsNotAssignableFrom<ArgumentOutOfRangeException>(ex);
        Assert.Equal("ERR_INVALID_ARG_VALUE", ex.Code);
        Assert.Equal("The argument 'options' must have the property \"port\" or \"path\". Received { Host: '127.0.0.1' }", ex.Message);

        var empty = Assert.Throws<NodeTypeError>(() => server.Listen(new ServerListenOptions()));
        Assert.Equal("The argument 'options' must have the property \"port\" or \"path\". Received {}", empty.Message);
    }

    [Fact]
    public void Negative_fd_counts_as_unset()
    {
        var server = _t.CreateServer();
        var ex = Assert.Throws<NodeTypeError>(() => server.Listen(new ServerListenOptions { Fd = -1 }));
        Assert.Equal("ERR_INVALID_ARG_VALUE", ex.Code);
    }

    [Fact]
    public void Empty_path_throws_invalid_arg_value()
    {
        var server = _t.CreateServer();
        var ex = Assert.Throws<NodeTypeError>(() => server.Listen(new ServerListenOptions { Path = "" }));
        Assert.Equal("ERR_INVALID_ARG_VALUE", ex.Code);
        Assert.Equal("The argument 'options' is invalid. Received { Path: '' }", ex.Message);
        Assert.Equal("ERR_INVALID_ARG_VALUE", Assert.Throws<NodeTypeError>(() => server.Listen("")).Code);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Abstract_path_with_readableAll_or_writableAll_throws(bool readableAll, bool writableAll)
    {
        var server = _t.CreateServer();
        var ex = Assert.Throws<NodeTypeError>(() => server.Listen(new ServerListenOptions { Path = "\0netserver-abstract", ReadableAll = readableAll, WritableAll = writableAll }));
        Assert.Equal("ERR_INVALID_ARG_VALUE", ex.Code);
        var set = readableAll ? "ReadableAll: true" : "WritableAll: true";
        Assert.Equal(
            $"The argument 'options' can not set readableAll or writableAllt to true when path is abstract unix socket. Received {{ Path: '\\x00netserver-abstract', {set} }}",
            ex.Message);
    }

    [Fact]
    public async Task Second_listen_while_listening_throws_a_plain_error()
    {
        var server = _t.CreateServer();
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var ex = Assert.Throws<NodeError>(() => server.Listen(0));
        Assert.IsNotAssignableFrom<ArgumentException>(ex);
        Assert.Equal("ERR_SERVER_ALREADY_LISTEN", ex.Code);
        Assert.Equal("Listen method has been called more than once without closing.", ex.Message);
        Assert.True(server.Listening);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Second_listen_right_after_a_synchronous_bind_throws()
    {
        var server = _t.CreateServer();
        var thrown = await _t.Run(() =>
        {
            server.Listen(0);
            return Record.Exception(() => server.Listen(0));
        });
        Assert.Equal("ERR_SERVER_ALREADY_LISTEN", Assert.IsType<NodeError>(thrown).Code);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_callback_stays_attached_after_a_throwing_listen_and_fires_on_success()
    {
        var server = _t.CreateServer();
        var calls = 0;
        Assert.Throws<NodeRangeError>(() => server.Listen(-1, () => calls++));
        Assert.Equal(1, server.ListenerCount("listening"));
        await _t.ListenOnLoop(server, s => s.Listen(0));
        await _t.Flush();
        Assert.Equal(1, calls);
        Assert.Equal(0, server.ListenerCount("listening"));
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public void GetConnections_without_callback_throws_invalid_arg_type()
    {
        var server = _t.CreateServer();
        var ex = Assert.Throws<NodeTypeError>(() => server.GetConnections(null!));
        Assert.IsAssignableFrom<ArgumentException>(ex);
        Assert.Equal("ERR_INVALID_ARG_TYPE", ex.Code);
        Assert.Equal("The \"callback\" argument must be of type function. Received undefined", ex.Message);
    }

    [Fact]
    public async Task Validation_errors_are_not_emitted_as_error_events()
    {
        var server = _t.CreateServer();
        var errors = 0;
        server.On<Exception>("error", _ => errors++);
        const int OutOfRangePort = 70000; // rejected before any bind
        Assert.Throws<NodeRangeError>(() => server.Listen(OutOfRangePort));
        Assert.Throws<NodeTypeError>(() => server.Listen(new ServerListenOptions()));
        await _t.Flush();
        Assert.Equal(0, errors);
        Assert.Empty(_t.Uncaught);
    }
}
