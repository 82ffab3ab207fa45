using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Unhandled errors: a server error nobody handles reaches the loop's uncaughtException, when Node would throw.</summary>
public sealed class UnhandledErrorTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Unhandled_listen_error_reaches_uncaughtException_asynchronously()
    {
        using var occupier = ServerTestHelpers.Occupy(IPAddress.Loopback);
        var port = ServerTestHelpers.PortOf(occupier);
        var server = _t.CreateServer();
        var uncaught = Await.Next<Exception>(_t.Loop, "uncaughtException");
        var (threw, uncaughtBeforeReturn) = await _t.Run(() =>
        {
            var thrown = Record.Exception(() => server.Listen(port));
            return (thrown, uncaught.IsCompleted);
        });
        Assert.Null(threw);
        Assert.False(uncaughtBeforeReturn);
        var e = Assert.IsType<NodeSystemError>(await uncaught);
        Assert.Equal("EADDRINUSE", e.Code);
        Assert.Equal($"listen EADDRINUSE: address already in use :::{port}", e.Message);
        Assert.Contains(e, _t.Uncaught);
    }

    [Fact]
    public async Task Unhandled_error_on_a_host_listen_reaches_uncaughtException()
    {
        var server = _t.CreateServer();
        var uncaught = Await.Next<Exception>(_t.Loop, "uncaughtException");
        await _t.Run(() => server.Listen(0, "203.0.113.1"));
        Assert.Equal("EADDRNOTAVAIL", Assert.IsType<NodeSystemError>(await uncaught).Code);
    }

    [Fact]
    public async Task A_handled_listen_error_does_not_reach_uncaughtException()
    {
        var server = _t.CreateServer();
        var error = Await.Next<Exception>(server, "error");
        await _t.Run(() => server.Listen(0, "203.0.113.1"));
        await error;
        await _t.Flush();
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task An_exception_thrown_by_the_connection_listener_reaches_uncaughtException_and_the_server_keeps_serving()
    {
        var first = true;
        var server = _t.CreateServer(socket =>
        {
            if (first)
            {
                first = false;
                throw new InvalidOperationException("boom");
            }
            ServerTestHelpers.Echo(socket);
        });
        var uncaught = Await.Next<Exception>(_t.Loop, "uncaughtException");
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using (var a = await Client.ConnectAsync(server))
        {
            var boom = Assert.IsType<InvalidOperationException>(await uncaught);
            Assert.Equal("boom", boom.Message);
            // The connection listener is the server's: the error names the server, not the new socket.
            Assert.Same(server, EventEmitter.SourceOf(boom));
        }
        await using (var b = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(b, "still serving");
        }
        Assert.True(server.Listening);
        // The first socket still reads (Node starts reading before 'connection'), so it sees the
        // client's FIN, closes, and lets the server's 'close' come.
        await server.CloseAsync().WithTimeout();
        Assert.Equal(0, await server.GetConnectionsAsync().WithTimeout());
    }

    [Fact]
    public async Task A_throwing_connection_listener_does_not_strand_the_connections_accepted_behind_it()
    {
        // Accepts that arrive while the loop is busy are taken in one batch; the first listener
        // call throws, and the two connections behind it must still get theirs.
        var connections = 0;
        var server = _t.CreateServer(socket =>
        {
            if (++connections == 1)
            {
                throw new InvalidOperationException("boom");
            }
            ServerTestHelpers.Echo(socket);
        });
        var uncaught = Await.Next<Exception>(_t.Loop, "uncaughtException");
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));

        using var release = new ManualResetEventSlim();
        await _t.HoldAsync(release);
        await using var a = await Client.ConnectAsync(server);
        await using var b = await Client.ConnectAsync(server);
        await using var c = await Client.ConnectAsync(server);
        var queued = SpinWait.SpinUntil(() => server.QueuedAccepts == 3, TimeSpan.FromSeconds(10));
        release.Set();

        Assert.True(queued, "the three accepts should have waited for the busy loop together");
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(await uncaught.WithTimeout()).Message);
        await ServerTestHelpers.AssertEchoes(b, "second");
        await ServerTestHelpers.AssertEchoes(c, "third");
        Assert.Equal(3, await _t.Run(() => connections));
    }
}
