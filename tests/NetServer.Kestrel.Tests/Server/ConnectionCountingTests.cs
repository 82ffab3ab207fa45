using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

#pragma warning disable CS0618 // Server.Connections is obsolete on purpose (Node removed it); it shows the count synchronously.

/// <summary>Node §10: GetConnections counts live accepted sockets; MaxConnections drops by accept-then-close with 'drop'.</summary>
public sealed class ConnectionCountingTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task GetConnections_calls_back_asynchronously_and_returns_the_server()
    {
        var server = _t.CreateServer();
        var result = new TaskCompletionSource<(Exception?, int, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var returned = false;
        var self = await _t.Run(() =>
        {
            var r = server.GetConnections((err, n) => result.TrySetResult((err, n, returned)));
            returned = true;
            return r;
        });
        Assert.Same(server, self);
        var (error, count, afterReturn) = await result.Task.WaitAsync(TestLoop.Timeout);
        Assert.Null(error);
        Assert.Equal(0, count);
        Assert.True(afterReturn);
    }

    [Fact]
    public async Task Count_is_one_inside_the_first_connection_listener_and_drops_when_the_socket_is_destroyed()
    {
        var inListener = new TaskCompletionSource<(int, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var atClose = new TaskCompletionSource<(int, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Server server = null!;
        server = _t.CreateServer(socket =>
        {
            var sync = server.Connections;
            server.GetConnections((_, n) => inListener.TrySetResult((sync, n)));
            socket.On<bool>("close", _ =>
            {
                var syncAtClose = server.Connections;
                server.GetConnections((_, n) => atClose.TrySetResult((syncAtClose, n)));
            });
        });
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using (var client = await Client.ConnectAsync(server))
        {
            Assert.Equal((1, 1), await inListener.Task.WaitAsync(TestLoop.Timeout));
        }
        Assert.Equal((0, 0), await atClose.Task.WaitAsync(TestLoop.Timeout));
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Destroy_decrements_the_count_synchronously()
    {
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket => accepted.TrySetResult(socket));
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using var a = await Client.ConnectAsync(server);
        var socket = await accepted.Task.WaitAsync(TestLoop.Timeout);
        var (before, after) = await _t.Run(() =>
        {
            var b = server.Connections;
            socket.Destroy();
            return (b, server.Connections);
        });
        Assert.Equal(1, before);
        Assert.Equal(0, after);
        Assert.Equal(0, await server.GetConnectionsAsync().WithTimeout());
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Extra_connection_sees_connect_then_eof_and_drop_carries_both_endpoints()
    {
        var connections = 0;
        var server = _t.CreateServer(_ => connections++);
        server.MaxConnections = 1;
        var drop = Await.Next<DropArgument?>(server, "drop");
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var port = server.Port();

        var firstAccepted = Await.Next<Socket>(server, "connection");
        await using var first = await Client.ConnectAsync(server);
        await firstAccepted;
        await using var second = await Client.ConnectAsync(server);
        Assert.Equal(0, await second.Socket.ReceiveAsync(new byte[16]).WaitAsync(TestLoop.Timeout));

        var d = Assert.IsType<DropArgument>(await drop);
        var clientEnd = (IPEndPoint)second.Socket.LocalEndPoint!;
        Assert.Equal("127.0.0.1", d.LocalAddress);
        Assert.Equal(port, d.LocalPort);
        Assert.Equal("IPv4", d.LocalFamily);
        Assert.Equal("127.0.0.1", d.RemoteAddress);
        Assert.Equal(clientEnd.Port, d.RemotePort);
        Assert.Equal("IPv4", d.RemoteFamily);

        Assert.Equal(1, await server.GetConnectionsAsync().WithTimeout());
        await _t.Flush();
        Assert.Equal(1, connections);
        Assert.Empty(_t.Uncaught);
        await _t.Run(() => server.Close());
    }

    [Fact]
    public async Task Drop_on_the_default_host_reports_ipv4_mapped_and_ipv6_peers()
    {
        var server = _t.CreateServer();
        server.MaxConnections = 0;
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var port = server.Port();

        var drop = Await.Next<DropArgument?>(server, "drop");
        await using (var v4 = await Client.ConnectAsync(IPAddress.Loopback, port))
        {
            var d = Assert.IsType<DropArgument>(await drop);
            Assert.Equal("::ffff:127.0.0.1", d.RemoteAddress);
            Assert.Equal("IPv6", d.RemoteFamily);
            Assert.Equal("::ffff:127.0.0.1", d.LocalAddress);
            Assert.Equal(((IPEndPoint)v4.Socket.LocalEndPoint!).Port, d.RemotePort);
        }
        drop = Await.Next<DropArgument?>(server, "drop");
        await using (var v6 = await Client.ConnectAsync(IPAddress.IPv6Loopback, port))
        {
            var d = Assert.IsType<DropArgument>(await drop);
            Assert.Equal("::1", d.RemoteAddress);
            Assert.Equal("IPv6", d.RemoteFamily);
            Assert.Equal("::1", d.LocalAddress);
            Assert.Equal(port, d.LocalPort);
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task MaxConnections_zero_drops_every_connection()
    {
        var connections = 0;
        var server = _t.CreateServer(_ => connections++);
        server.MaxConnections = 0;
        var drops = ServerTestHelpers.Count(server, "drop", 2);
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using (var a = await Client.ConnectAsync(server))
        await using (var b = await Client.ConnectAsync(server))
        {
            Assert.Equal("", await a.ReadToEndAsync());
            Assert.Equal("", await b.ReadToEndAsync());
        }
        await drops;
        Assert.Equal(0, await server.GetConnectionsAsync().WithTimeout());
        Assert.Equal(0, connections);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Negative_MaxConnections_drops_every_connection()
    {
        var server = _t.CreateServer();
        server.MaxConnections = -1;
        var drop = Await.Next(server, "drop");
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using (var a = await Client.ConnectAsync(server))
        {
            Assert.Equal("", await a.ReadToEndAsync());
        }
        await drop;
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task A_freed_slot_is_reused()
    {
        var accepted = new List<Socket>();
        var server = _t.CreateServer(socket =>
        {
            accepted.Add(socket);
            ServerTestHelpers.Echo(socket);
        });
        server.MaxConnections = 1;
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));

        var a = await Client.ConnectAsync(server);
        await ServerTestHelpers.AssertEchoes(a, "A");
        var drop = Await.Next(server, "drop");
        await using (var b = await Client.ConnectAsync(server))
        {
            Assert.Equal("", await b.ReadToEndAsync());
        }
        await drop;

        var aClosed = Await.Next(accepted[0], "close");
        await a.DisposeAsync();
        await aClosed;

        await using (var c = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(c, "C");
        }
        Assert.Equal(2, accepted.Count);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Without_a_drop_listener_the_extra_connection_is_still_closed()
    {
        var server = _t.CreateServer();
        server.MaxConnections = 0;
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using (var a = await Client.ConnectAsync(server))
        {
            Assert.Equal("", await a.ReadToEndAsync());
        }
        Assert.Empty(_t.Uncaught);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Raising_MaxConnections_takes_effect_from_the_next_accept()
    {
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        server.MaxConnections = 0;
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using (var a = await Client.ConnectAsync(server))
        {
            Assert.Equal("", await a.ReadToEndAsync());
        }
        server.MaxConnections = null;
        await using (var b = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(b, "unlimited");
        }
        await server.CloseAsync().WithTimeout();
    }
}
