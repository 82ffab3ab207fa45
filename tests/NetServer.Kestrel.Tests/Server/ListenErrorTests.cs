using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Node §6, §7: bind failures arrive as asynchronous 'error' events with Node's fields; the retry pattern works.</summary>
public sealed class ListenErrorTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Eaddrinuse_on_an_explicit_host_is_emitted_with_node_fields()
    {
        using var occupier = ServerTestHelpers.Occupy(IPAddress.Loopback);
        var port = ServerTestHelpers.PortOf(occupier);
        var server = _t.CreateServer();
        var closes = 0;
        server.On("close", () => closes++);

        var error = await _t.ListenExpectingError(server, s => s.Listen(port, "127.0.0.1"));
        var e = Assert.IsType<NodeSystemError>(error);
        Assert.IsNotAssignableFrom<ArgumentException>(e);
        ServerTestHelpers.AssertListenError(e, "EADDRINUSE", -98, "127.0.0.1", port, $"listen EADDRINUSE: address already in use 127.0.0.1:{port}");
        Assert.False(server.Listening);
        Assert.Null(server.Address());

        // No automatic close follows.
        await _t.Flush();
        Assert.Equal(0, closes);
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Eaddrinuse_on_the_default_host_is_emitted_not_thrown_and_names_the_ipv6_any_address()
    {
        using var occupier = ServerTestHelpers.Occupy(IPAddress.Loopback);
        var port = ServerTestHelpers.PortOf(occupier);
        var server = _t.CreateServer();
        var errorTask = Await.Next<Exception>(server, "error");
        var (threw, errorsBeforeReturn) = await _t.Run(() =>
        {
            var thrown = Record.Exception(() => server.Listen(port));
            return (thrown, errorTask.IsCompleted);
        });
        Assert.Null(threw);
        Assert.False(errorsBeforeReturn);
        var e = Assert.IsType<NodeSystemError>(await errorTask);
        Assert.Equal("EADDRINUSE", e.Code);
        Assert.Equal("::", e.Address);
        Assert.Equal(port, e.Port);
        Assert.Equal($"listen EADDRINUSE: address already in use :::{port}", e.Message);
        Assert.False(server.Listening);
        Assert.Null(server.Address());
    }

    [Fact]
    public async Task Eaddrnotavail_with_port_zero_has_no_port_suffix_and_no_port()
    {
        var server = _t.CreateServer();
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(server, s => s.Listen(0, "203.0.113.1")));
        ServerTestHelpers.AssertListenError(e, "EADDRNOTAVAIL", -99, "203.0.113.1", null, "listen EADDRNOTAVAIL: address not available 203.0.113.1");
    }

    [Fact]
    public async Task Eaddrnotavail_with_a_port_has_the_port_suffix()
    {
        var server = _t.CreateServer();
        // 203.0.113.1 (TEST-NET-3) is never local, so the bind fails whatever the port; no traffic is sent.
        const int AnyPort = 4444;
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(server, s => s.Listen(AnyPort, "203.0.113.1")));
        Assert.Equal(4444, e.Port);
        Assert.Equal("listen EADDRNOTAVAIL: address not available 203.0.113.1:4444", e.Message);
    }

    [Fact]
    public async Task Overlong_unix_path_is_einval()
    {
        using var dir = new TempDir();
        var path = dir.File(new string('x', 120));
        var server = _t.CreateServer();
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(server, s => s.Listen(path)));
        ServerTestHelpers.AssertListenError(e, "EINVAL", -22, path, -1, $"listen EINVAL: invalid argument {path}");
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task An_fd_that_is_not_a_socket_gives_an_asynchronous_einval()
    {
        using var dir = new TempDir();
        using var file = File.Create(dir.File("not-a-socket"));
        var fd = (int)file.SafeFileHandle.DangerousGetHandle();
        var server = _t.CreateServer();
        var errorTask = Await.Next<Exception>(server, "error");
        var threw = await _t.Run(() => Record.Exception(() => server.Listen(new ServerListenOptions { Fd = fd })));
        Assert.Null(threw);
        var e = Assert.IsType<NodeSystemError>(await errorTask);
        ServerTestHelpers.AssertListenError(e, "EINVAL", -22, null, null, "listen EINVAL: invalid argument");
        Assert.False(server.Listening);
        Assert.Null(server.Address());
    }

    [Fact]
    public async Task Unix_path_of_107_bytes_works()
    {
        using var dir = new TempDir();
        var path = dir.Path + "/";
        path += new string('s', 107 - path.Length);
        Assert.Equal(107, path.Length);
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(path));
        Assert.Equal(path, server.Address());
        await using (var client = await Client.ConnectUnixAsync(path))
        {
            await ServerTestHelpers.AssertEchoes(client, "long path");
        }
        await server.CloseAsync().WithTimeout();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Retry_pattern_close_then_listen_emits_close_then_listening_and_keeps_the_first_callback()
    {
        using var occupier = ServerTestHelpers.Occupy(IPAddress.Loopback);
        var busy = ServerTestHelpers.PortOf(occupier);
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        var trace = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On("close", () => trace.Add($"close listening={server.Listening}"));
        server.On<Exception>("error", e =>
        {
            trace.Add("error " + ((INodeError)e).Code);
            server.Close(err => trace.Add("close-cb " + (err as INodeError)?.Code));
            server.Listen(0, "127.0.0.1", () =>
            {
                trace.Add("retry-cb");
                done.TrySetResult();
            });
        });
        server.On("listening", () => trace.Add("listening"));
        await _t.Run(() => server.Listen(busy, "127.0.0.1", () => trace.Add("first-cb")));
        await done.Task.WaitAsync(TestLoop.Timeout);
        await _t.Flush();

        Assert.Equal(
            ["error EADDRINUSE", "close listening=False", "close-cb ERR_SERVER_NOT_RUNNING", "listening", "first-cb", "retry-cb"],
            trace);
        Assert.True(server.Listening);
        await using (var client = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(client, "retried");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_again_without_close_after_an_error_works()
    {
        using var occupier = ServerTestHelpers.Occupy(IPAddress.Loopback);
        var server = _t.CreateServer();
        await _t.ListenExpectingError(server, s => s.Listen(ServerTestHelpers.PortOf(occupier), "127.0.0.1"));
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        Assert.True(server.Listening);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Relisten_on_the_same_port_right_after_close_works_despite_time_wait()
    {
        // The server ends first, so its side of the connection sits in TIME_WAIT: only SO_REUSEADDR lets the port be bound again.
        var server = _t.CreateServer(socket => socket.End("bye"));
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var port = server.Port();
        await using (var client = await Client.ConnectAsync(server))
        {
            Assert.Equal("bye", await client.ReadToEndAsync());
        }
        await server.CloseAsync().WithTimeout();

        await _t.ListenOnLoop(server, s => s.Listen(port, "127.0.0.1"));
        Assert.Equal(port, server.Port());
        await using (var client = await Client.ConnectAsync(server))
        {
            Assert.Equal("bye", await client.ReadToEndAsync());
        }
        await server.CloseAsync().WithTimeout();

        var other = _t.CreateServer();
        await _t.ListenOnLoop(other, s => s.Listen(port, "127.0.0.1"));
        await other.CloseAsync().WithTimeout();
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task A_second_server_on_a_live_port_gets_eaddrinuse()
    {
        var first = _t.CreateServer();
        await _t.ListenOnLoop(first, s => s.Listen(0, "127.0.0.1"));
        var second = _t.CreateServer();
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(second, s => s.Listen(first.Port(), "127.0.0.1")));
        Assert.Equal("EADDRINUSE", e.Code);
        await first.CloseAsync().WithTimeout();
    }
}
