using System.Net;
using System.Net.Sockets;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Node §2, §4, §5: the listen forms, the default host, address families and 'listening' timing.</summary>
public sealed class ListenFormsTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Listen_without_arguments_binds_dual_stack_default_host_and_maps_ipv4_peers()
    {
        var connection = new TaskCompletionSource<(string?, string?, string?, string?, int?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket =>
        {
            connection.TrySetResult((socket.RemoteAddress, socket.RemoteFamily, socket.LocalAddress, socket.LocalFamily, socket.LocalPort));
            ServerTestHelpers.Echo(socket);
        });
        await _t.ListenOnLoop(server, s => s.Listen());

        var address = Assert.IsType<AddressInfo>(server.Address());
        Assert.Equal(new AddressInfo("::", "IPv6", address.Port), address);
        Assert.NotEqual(0, address.Port);

        await using (var v4 = await Client.ConnectAsync(IPAddress.Loopback, address.Port))
        {
            var (remote, remoteFamily, local, localFamily, localPort) = await connection.Task.WaitAsync(TestLoop.Timeout);
            Assert.Equal("::ffff:127.0.0.1", remote);
            Assert.Equal("IPv6", remoteFamily);
            Assert.Equal("::ffff:127.0.0.1", local);
            Assert.Equal("IPv6", localFamily);
            Assert.Equal(address.Port, localPort);
            await ServerTestHelpers.AssertEchoes(v4, "over ipv4");
        }

        await using (var v6 = await Client.ConnectAsync(IPAddress.IPv6Loopback, address.Port))
        {
            await ServerTestHelpers.AssertEchoes(v6, "over ipv6");
        }
        await server.CloseAsync().WithTimeout();
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Listen_port_zero_picks_a_port_on_the_default_host()
    {
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var address = Assert.IsType<AddressInfo>(server.Address());
        Assert.Equal("::", address.Address);
        Assert.Equal("IPv6", address.Family);
        Assert.InRange(address.Port, 1, 65535);
        await server.CloseAsync().WithTimeout();
    }

    [Theory]
    [InlineData("127.0.0.1", "IPv4")]
    [InlineData("::1", "IPv6")]
    public async Task Listen_on_an_explicit_ip_reports_that_address_and_family(string host, string family)
    {
        var accepted = new TaskCompletionSource<(string?, string?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket =>
        {
            accepted.TrySetResult((socket.RemoteAddress, socket.RemoteFamily, socket.LocalAddress));
            ServerTestHelpers.Echo(socket);
        });
        await _t.ListenOnLoop(server, s => s.Listen(0, host));
        var address = Assert.IsType<AddressInfo>(server.Address());
        Assert.Equal(host, address.Address);
        Assert.Equal(family, address.Family);
        Assert.Equal($"{{ address: '{host}', family: '{family}', port: {address.Port} }}", address.ToString());

        await using (var client = await Client.ConnectAsync(server, host))
        {
            var (remote, remoteFamily, local) = await accepted.Task.WaitAsync(TestLoop.Timeout);
            Assert.Equal(host, remote);
            Assert.Equal(family, remoteFamily);
            Assert.Equal(host, local);
            await ServerTestHelpers.AssertEchoes(client, "hello");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_on_localhost_binds_the_first_resolved_address()
    {
        var expected = (await Dns.GetHostAddressesAsync("localhost")).First(a => !a.IsIPv6LinkLocal);
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(0, "localhost"));
        var address = Assert.IsType<AddressInfo>(server.Address());
        Assert.Equal(expected.ToString(), address.Address);
        Assert.Equal(expected.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6", address.Family);
        await using (var client = await Client.ConnectAsync(expected, address.Port))
        {
            await ServerTestHelpers.AssertEchoes(client, "local");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_port_backlog_takes_the_number_as_backlog_not_host()
    {
        var called = 0;
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(0, 5, () => called++));
        var address = Assert.IsType<AddressInfo>(server.Address());
        Assert.Equal("::", address.Address);
        Assert.Equal(1, called);
        await using (var client = await Client.ConnectAsync(IPAddress.Loopback, address.Port))
        {
            await ServerTestHelpers.AssertEchoes(client, "backlog");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_port_host_backlog_binds_the_host()
    {
        var called = 0;
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1", 1, () => called++));
        Assert.Equal("127.0.0.1", Assert.IsType<AddressInfo>(server.Address()).Address);
        Assert.Equal(1, called);
        await using (var client = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(client, "backlog");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_options_object_with_port_and_host()
    {
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Port = 0, Host = "127.0.0.1", Backlog = 10, Exclusive = true }));
        Assert.Equal("IPv4", Assert.IsType<AddressInfo>(server.Address()).Family);
        await using (var client = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(client, "options");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_options_port_takes_precedence_over_path()
    {
        using var dir = new TempDir();
        var path = dir.File("never.sock");
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Port = 0, Path = path }));
        Assert.IsType<AddressInfo>(server.Address());
        Assert.False(File.Exists(path));
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Ipv6Only_refuses_ipv4_clients_and_serves_ipv6()
    {
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Port = 0, Host = "::", Ipv6Only = true }));
        var port = server.Port();
        await ServerTestHelpers.AssertRefused(IPAddress.Loopback, port);
        await using (var client = await Client.ConnectAsync(IPAddress.IPv6Loopback, port))
        {
            await ServerTestHelpers.AssertEchoes(client, "v6 only");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Without_ipv6Only_the_default_host_accepts_ipv4_clients()
    {
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Port = 0, Host = "::" }));
        await using (var client = await Client.ConnectAsync(IPAddress.Loopback, server.Port()))
        {
            await ServerTestHelpers.AssertEchoes(client, "dual");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task ReusePort_lets_two_servers_share_one_port()
    {
        var first = _t.CreateServer(ServerTestHelpers.Echo);
        var second = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(first, s => s.Listen(new ServerListenOptions { Port = 0, Host = "127.0.0.1", ReusePort = true }));
        var port = first.Port();
        await _t.ListenOnLoop(second, s => s.Listen(new ServerListenOptions { Port = port, Host = "127.0.0.1", ReusePort = true }));
        Assert.Equal(port, second.Port());

        // Either server may get the connection; after the first closes, the second still serves.
        await first.CloseAsync().WithTimeout();
        await using (var client = await Client.ConnectAsync(IPAddress.Loopback, port))
        {
            await ServerTestHelpers.AssertEchoes(client, "shared");
        }
        await second.CloseAsync().WithTimeout();
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Listen_on_an_fd_adopts_a_socket_bound_elsewhere()
    {
        using var bound = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ServerTestHelpers.PortOf(bound);
        var fd = (int)bound.SafeHandle.DangerousGetHandle();

        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Fd = fd }));
        Assert.Equal(new AddressInfo("127.0.0.1", "IPv4", port), server.Address());
        await using (var client = await Client.ConnectAsync(IPAddress.Loopback, port))
        {
            await ServerTestHelpers.AssertEchoes(client, "through an fd");
        }
        await server.CloseAsync().WithTimeout();

        // Node closes the adopted handle: the port stops accepting.
        Assert.False(server.Listening);
        await ServerTestHelpers.AssertRefused(IPAddress.Loopback, port);
    }

    [Fact]
    public async Task Without_host_the_bind_is_synchronous_but_listening_is_emitted_after_Listen_returns()
    {
        var server = _t.CreateServer();
        var returned = false;
        var firedAfterReturn = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On("listening", () => firedAfterReturn.TrySetResult(returned));
        var (listening, address) = await _t.Run(() =>
        {
            server.Listen(0);
            returned = true;
            return (server.Listening, server.Address());
        });
        Assert.True(listening);
        Assert.NotEqual(0, Assert.IsType<AddressInfo>(address).Port);
        Assert.True(await firedAfterReturn.Task.WaitAsync(TestLoop.Timeout));
        await server.CloseAsync().WithTimeout();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public async Task With_a_host_Listening_and_Address_stay_unset_until_listening(string host)
    {
        var server = _t.CreateServer();
        var returned = false;
        var atListening = new TaskCompletionSource<(bool, bool, object?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On("listening", () => atListening.TrySetResult((returned, server.Listening, server.Address())));
        var (listening, address) = await _t.Run(() =>
        {
            server.Listen(0, host);
            returned = true;
            return (server.Listening, server.Address());
        });
        Assert.False(listening);
        Assert.Null(address);
        var (afterReturn, listeningThen, addressThen) = await atListening.Task.WaitAsync(TestLoop.Timeout);
        Assert.True(afterReturn);
        Assert.True(listeningThen);
        Assert.IsType<AddressInfo>(addressThen);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listening_listeners_run_before_listen_callback_before_later_listeners()
    {
        var server = _t.CreateServer();
        var order = new List<string>();
        var done = Await.Next(server, "listening");
        await _t.Run(() =>
        {
            server.On("listening", () => order.Add("before"));
            server.Listen(0, () => order.Add("callback"));
            server.On("listening", () => order.Add("after"));
        });
        await done;
        await _t.Flush();
        Assert.Equal(["before", "callback", "after"], order);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_returns_the_server()
    {
        var server = _t.CreateServer();
        var listening = Await.Next(server, "listening");
        Assert.Same(server, await _t.Run(() => server.Listen(0, "127.0.0.1")));
        await listening;
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listening_comes_before_the_first_connection()
    {
        var order = new List<string>();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket =>
        {
            order.Add("connection");
            socket.Destroy();
            connected.TrySetResult();
        });
        server.On("listening", () => order.Add("listening"));
        await _t.Run(() => server.Listen(0));
        // The port is bound synchronously: connect before 'listening' could have run.
        await using (var client = await Client.ConnectAsync(IPAddress.Loopback, server.Port()))
        {
            await connected.Task.WaitAsync(TestLoop.Timeout);
        }
        Assert.Equal(["listening", "connection"], order);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task A_second_listen_during_a_pending_lookup_does_not_throw_and_supersedes_the_first()
    {
        var server = _t.CreateServer();
        var trace = new List<string>();
        server.On("listening", () => trace.Add("listening"));
        var done = Await.Next(server, "listening");
        var threw = await _t.Run(() =>
        {
            server.Listen(0, "127.0.0.1", () => trace.Add("cb1"));
            return Record.Exception(() => server.Listen(0, "::1", () => trace.Add("cb2")));
        });
        Assert.Null(threw);
        await done;
        await _t.Flush();
        Assert.Equal(["listening", "cb1", "cb2"], trace);
        Assert.Equal("::1", Assert.IsType<AddressInfo>(server.Address()).Address);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Ipv4_any_cannot_bind_a_port_held_by_the_dual_stack_default_host()
    {
        var first = _t.CreateServer();
        await _t.ListenOnLoop(first, s => s.Listen(0));
        var second = _t.CreateServer();
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(second, s => s.Listen(first.Port(), "0.0.0.0")));
        Assert.Equal("EADDRINUSE", e.Code);
        Assert.Equal("0.0.0.0", e.Address);
        Assert.Equal($"listen EADDRINUSE: address already in use 0.0.0.0:{first.Port()}", e.Message);
        await first.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task ListenAsync_completes_on_listening_and_faults_with_the_listen_error()
    {
        var server = _t.CreateServer();
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();
        Assert.True(server.Listening);
        var other = _t.CreateServer();
        var e = await Assert.ThrowsAsync<NodeSystemError>(() => other.ListenAsync(server.Port(), "127.0.0.1").WithTimeout());
        Assert.Equal("EADDRINUSE", e.Code);
        Assert.Equal(0, other.ListenerCount("error"));
        Assert.Equal(0, other.ListenerCount("listening"));
        await server.CloseAsync().WithTimeout();
    }
}
