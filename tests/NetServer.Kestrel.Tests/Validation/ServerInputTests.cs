using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;
using NetServer.Kestrel.Tests.SocketBehaviour;

namespace NetServer.Kestrel.Tests.Validation;

/// <summary>
/// Server, ServerOptions and ServerListenOptions inputs beyond ListenValidationTests: the values Node 24
/// accepts without complaint (null options, odd backlogs, negative high-water marks) and the port
/// extremes our typed API can carry.
/// </summary>
public sealed class ServerInputTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void Null_server_options_mean_the_defaults_as_Node_accepts_null()
    {
        var server = new Server((ServerOptions)null!);
        Assert.Same(EventLoop.Default, server.Loop);
        Assert.False(server.Listening);
        var viaNet = Net.CreateServer((ServerOptions)null!, _ => { });
        Assert.Equal(1, viaNet.ListenerCount("connection"));
    }

    [Fact]
    public async Task Null_listen_options_and_a_null_path_listen_on_a_free_port_like_listen_undefined()
    {
        var a = _t.CreateServer();
        await _t.ListenOnLoop(a, s => s.Listen((ServerListenOptions)null!));
        var b = _t.CreateServer();
        await _t.ListenOnLoop(b, s => s.Listen((string)null!, 7));
        foreach (var server in new[] { a, b })
        {
            var address = Assert.IsType<AddressInfo>(server.Address());
            Assert.Equal("::", address.Address);
            Assert.InRange(address.Port, 1, 65535);
            await server.CloseAsync().WithTimeout();
        }
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void Port_extremes_throw_ERR_SOCKET_BAD_PORT(int port)
    {
        var server = _t.CreateServer();
        var ex = Assert.Throws<NodeRangeError>(() => server.Listen(new ServerListenOptions { Port = port, Path = "/ignored" }));
        Assert.Equal("ERR_SOCKET_BAD_PORT", ex.Code);
        Assert.Equal($"options.port should be >= 0 and < 65536. Received type number ({port}).", ex.Message);
        Assert.Null(server.Address());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public async Task Zero_and_negative_backlogs_are_accepted_in_every_form(int backlog)
    {
        // Node does not validate backlog: 0 becomes 511 and a negative one reaches listen(2), which clamps it.
        using var dir = new TempDir();
        var listens = new (string Form, Action<Server> Listen)[]
        {
            ("port, backlog", s => s.Listen(0, backlog)),
            ("port, host, backlog", s => s.Listen(0, "127.0.0.1", backlog)),
            ("options", s => s.Listen(new ServerListenOptions { Port = 0, Backlog = backlog })),
            ("path, backlog", s => s.Listen(dir.File("b.sock"), backlog)),
        };
        foreach (var (form, listen) in listens)
        {
            var server = _t.CreateServer(ServerTestHelpers.Echo);
            await _t.ListenOnLoop(server, listen);
            await using (var client = await Client.ConnectAsync(server))
            {
                await ServerTestHelpers.AssertEchoes(client, form);
            }
            await server.CloseAsync().WithTimeout();
        }
    }

    [Theory]
    [InlineData(-1, ServerOptions.DefaultHighWaterMark)]
    [InlineData(int.MinValue, ServerOptions.DefaultHighWaterMark)]
    [InlineData(0, 0)]
    public async Task Negative_high_water_mark_falls_back_to_the_default_and_zero_is_kept(int given, int expected)
    {
        await using var h = await Harness.StartAsync(_t, new ServerOptions { HighWaterMark = given });
        await using var client = await h.ConnectAsync();
        var socket = await h.NextSocketAsync();
        Assert.Equal((expected, expected), await _t.Run(() => (socket.ReadableHighWaterMark, socket.WritableHighWaterMark)));
    }

    [Fact]
    public async Task MaxConnections_is_not_validated_a_negative_limit_drops_everything()
    {
        // Node stores any value; v21+ drops every connection for a negative limit (no throw anywhere).
        var server = _t.CreateServer(_ => Assert.Fail("no connection expected"));
        server.MaxConnections = int.MinValue;
        var dropped = Await.Next(server, "drop");
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using (var client = await Client.ConnectAsync(server))
        {
            await dropped;
            Assert.Empty(await client.ReadAllBytesAsync());
        }
        Assert.Equal(int.MinValue, server.MaxConnections);
        await server.CloseAsync().WithTimeout();
    }
}
