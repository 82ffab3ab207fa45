using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Node §9, §11: close stops accepting at once, waits for connections, and always emits 'close'.</summary>
public sealed class CloseTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Close_stops_accepting_at_once_but_existing_connections_keep_working()
    {
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket =>
        {
            ServerTestHelpers.Echo(socket);
            accepted.TrySetResult(socket);
        });
        var trace = new List<string>();
        server.On("close", () => trace.Add("server close"));
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var port = server.Port();

        await using var client = await Client.ConnectAsync(server);
        var socket = await accepted.Task.WaitAsync(TestLoop.Timeout);
        socket.On<bool>("close", _ => trace.Add("socket close"));
        var serverClosed = Await.Next(server, "close");
        var socketClosed = Await.Next(socket, "close");

        var (listening, address, returned) = await _t.Run(() =>
        {
            var r = server.Close();
            return (server.Listening, server.Address(), r);
        });
        Assert.Same(server, returned);
        Assert.False(listening);
        Assert.Null(address);

        await ServerTestHelpers.AssertRefused(IPAddress.Loopback, port);
        await ServerTestHelpers.AssertEchoes(client, "still here after close");
        await _t.Flush();
        Assert.Empty(trace);

        client.ShutdownSend();
        Assert.Equal("", await client.ReadToEndAsync());
        await serverClosed;
        await socketClosed;
        Assert.Equal(["server close", "socket close"], trace);
    }

    [Fact]
    public async Task Close_waits_for_the_last_of_several_connections_and_emits_exactly_once()
    {
        var sockets = new List<Socket>();
        var allAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket =>
        {
            sockets.Add(socket);
            if (sockets.Count == 3)
            {
                allAccepted.TrySetResult();
            }
        });
        var trace = new List<string>();
        server.On("close", () => trace.Add("server close"));
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var clients = new List<Client>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await Client.ConnectAsync(server));
        }
        await allAccepted.Task.WaitAsync(TestLoop.Timeout);
        for (var i = 0; i < 3; i++)
        {
            var n = i;
            sockets[i].On<bool>("close", _ => trace.Add($"socket{n} close"));
        }
        await _t.Run(() => server.Close());

        for (var i = 0; i < 3; i++)
        {
            var closed = Await.Next(sockets[i], "close");
            await clients[i].DisposeAsync();
            await closed;
        }
        await _t.Flush();
        Assert.Equal(["socket0 close", "socket1 close", "server close", "socket2 close"], trace);
    }

    [Fact]
    public async Task Server_close_is_emitted_when_the_last_socket_is_destroyed_before_its_own_close()
    {
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket => accepted.TrySetResult(socket));
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using var client = await Client.ConnectAsync(server);
        var socket = await accepted.Task.WaitAsync(TestLoop.Timeout);
        var trace = new List<string>();
        server.On("close", () => trace.Add("server close"));
        socket.On<bool>("close", _ => trace.Add("socket close"));
        var closed = Await.Next(socket, "close");
        await _t.Run(() =>
        {
            server.Close(err => trace.Add("callback " + (err is null ? "null" : ((INodeError)err).Code)));
            socket.Destroy();
        });
        await closed;
        await _t.Flush();
        Assert.Equal(["server close", "callback null", "socket close"], trace);
    }

    [Fact]
    public async Task Close_on_a_never_listened_server_calls_back_with_not_running_and_still_emits_close()
    {
        var server = _t.CreateServer();
        var closeEvent = Await.Next(server, "close");
        var callback = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calledSynchronously = await _t.Run(() =>
        {
            server.Close(err => callback.TrySetResult(err));
            return callback.Task.IsCompleted;
        });
        Assert.False(calledSynchronously);
        var error = Assert.IsType<NodeError>(await callback.Task.WaitAsync(TestLoop.Timeout));
        Assert.IsNotAssignableFrom<ArgumentException>(error);
        Assert.Equal("ERR_SERVER_NOT_RUNNING", error.Code);
        Assert.Equal("Server is not running.", error.Message);
        await closeEvent;
    }

    [Fact]
    public async Task Each_close_on_a_drained_server_emits_one_more_close()
    {
        var server = _t.CreateServer();
        var closes = 0;
        server.On("close", () => closes++);
        var three = ServerTestHelpers.Count(server, "close", 3);
        await _t.Run(() =>
        {
            server.Close();
            server.Close();
            server.Close();
        });
        await three;
        await _t.Flush();
        Assert.Equal(3, closes);
    }

    [Fact]
    public async Task Two_close_callbacks_on_a_listening_server_get_null_then_not_running()
    {
        var server = _t.CreateServer();
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var results = new List<string>();
        var two = ServerTestHelpers.Count(server, "close", 2);
        await _t.Run(() =>
        {
            server.Close(err => results.Add("cb1 " + ((err as INodeError)?.Code ?? "null")));
            server.Close(err => results.Add("cb2 " + ((err as INodeError)?.Code ?? "null")));
        });
        await two;
        await _t.Flush();
        Assert.Equal(["cb1 null", "cb2 ERR_SERVER_NOT_RUNNING"], results);
    }

    [Fact]
    public async Task Close_right_after_a_synchronous_listen_suppresses_listening()
    {
        var server = _t.CreateServer();
        var listenings = 0;
        server.On("listening", () => listenings++);
        var callback = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _t.Run(() =>
        {
            server.Listen(0);
            server.Close(err => callback.TrySetResult(err));
        });
        Assert.Null(await callback.Task.WaitAsync(TestLoop.Timeout));
        await _t.Flush();
        Assert.Equal(0, listenings);
    }

    [Fact]
    public async Task CloseAsync_completes_on_close_and_faults_when_not_running()
    {
        var server = _t.CreateServer();
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var closed = false;
        server.On("close", () => closed = true);
        await server.CloseAsync().WithTimeout();
        Assert.True(closed);

        var ex = await Assert.ThrowsAsync<NodeError>(() => server.CloseAsync().WithTimeout());
        Assert.Equal("ERR_SERVER_NOT_RUNNING", ex.Code);
    }

    [Fact]
    public async Task DisposeAsync_on_a_listening_server_completes_after_the_close_listeners()
    {
        var server = _t.CreateServer();
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var closeListenerRan = false;
        server.On("close", () => closeListenerRan = true);
        await server.DisposeAsync().AsTask().WithTimeout();
        Assert.True(closeListenerRan);
        Assert.False(server.Listening);
    }

    [Fact]
    public async Task DisposeAsync_on_a_server_that_is_not_listening_completes_without_close()
    {
        var server = _t.CreateServer();
        var closes = 0;
        server.On("close", () => closes++);
        await server.DisposeAsync().AsTask().WithTimeout();
        await _t.Flush();
        Assert.Equal(0, closes);
    }

    [Fact]
    public async Task DisposeAsync_waits_for_open_connections()
    {
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket => accepted.TrySetResult(socket));
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using var client = await Client.ConnectAsync(server);
        var socket = await accepted.Task.WaitAsync(TestLoop.Timeout);
        var disposed = server.DisposeAsync().AsTask();
        await _t.Flush();
        Assert.False(disposed.IsCompleted);
        await _t.Run(() => socket.Destroy());
        await disposed.WithTimeout();
    }

    [Fact]
    public async Task Cancelling_the_signal_closes_the_server_but_not_its_connections()
    {
        using var cts = new CancellationTokenSource();
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket =>
        {
            ServerTestHelpers.Echo(socket);
            accepted.TrySetResult(socket);
        });
        var closes = 0;
        server.On("close", () => closes++);
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Port = 0, Host = "127.0.0.1", Signal = cts.Token }));
        var port = server.Port();
        await using var client = await Client.ConnectAsync(server);
        await accepted.Task.WaitAsync(TestLoop.Timeout);

        await cts.CancelAsync();
        Assert.False(server.Listening);
        Assert.Null(server.Address());
        await ServerTestHelpers.AssertRefused(IPAddress.Loopback, port);
        await ServerTestHelpers.AssertEchoes(client, "survives the abort");
        await _t.Flush();
        Assert.Equal(0, closes);

        var closed = Await.Next(server, "close");
        client.ShutdownSend();
        await client.ReadToEndAsync();
        await closed;
        await _t.Flush();
        Assert.Equal(1, closes);
    }

    [Fact]
    public async Task An_already_cancelled_signal_emits_close_without_listening()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var server = _t.CreateServer();
        var trace = new List<string>();
        server.On("listening", () => trace.Add("listening"));
        server.On("close", () => trace.Add("close"));
        server.On<Exception>("error", e => trace.Add("error"));
        var closed = Await.Next(server, "close");
        var threw = await _t.Run(() => Record.Exception(() => server.Listen(new ServerListenOptions { Port = 0, Signal = cts.Token })));
        Assert.Null(threw);
        await closed;
        await _t.Flush();
        Assert.Equal(["close"], trace);
        Assert.False(server.Listening);
    }

    [Fact]
    public async Task Same_server_can_listen_again_after_close()
    {
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        var listenings = 0;
        server.On("listening", () => listenings++);
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await server.CloseAsync().WithTimeout();
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using (var client = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(client, "again");
        }
        Assert.Equal(2, listenings);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Close_during_a_pending_host_listen_cancels_it()
    {
        var server = _t.CreateServer();
        var listenings = 0;
        server.On("listening", () => listenings++);
        var callback = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = Await.Next(server, "close");
        await _t.Run(() =>
        {
            server.Listen(0, "localhost");
            server.Close(err => callback.TrySetResult(err));
        });
        Assert.Equal("ERR_SERVER_NOT_RUNNING", Assert.IsType<NodeError>(await callback.Task.WaitAsync(TestLoop.Timeout)).Code);
        await closed;
        // Give the lookup time to finish: it must not bind or emit 'listening' any more.
        await Dns.GetHostAddressesAsync("localhost");
        await _t.Flush();
        Assert.Equal(0, listenings);
        Assert.False(server.Listening);
        Assert.Null(server.Address());
        await _t.Loop.RunAsync().WithTimeout();
    }

    [Fact]
    public async Task The_signal_is_forgotten_after_close()
    {
        using var cts = new CancellationTokenSource();
        var server = _t.CreateServer();
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Port = 0, Signal = cts.Token }));
        await server.CloseAsync().WithTimeout();
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var closes = 0;
        server.On("close", () => closes++);
        await cts.CancelAsync();
        await _t.Flush();
        Assert.True(server.Listening);
        Assert.Equal(0, closes);
        await server.CloseAsync().WithTimeout();
    }
}
