using System.Collections.Concurrent;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>The beyond-Node multi-loop mode: sockets spread over <see cref="ServerOptions.Loops"/>.</summary>
public sealed class MultiLoopTests : IDisposable
{
    private const int Connections = 24;

    private readonly TestLoop _t = new();
    private readonly EventLoop[] _workers = [new EventLoop(), new EventLoop()];

    public void Dispose()
    {
        foreach (var loop in _workers)
        {
            loop.Dispose();
        }
        _t.Dispose();
    }

    [Fact]
    public async Task Sockets_are_spread_round_robin_and_each_lives_on_its_own_loop()
    {
        var placement = new ConcurrentDictionary<Socket, EventLoop>();
        var offLoop = 0;
        var server = _t.CreateServer(new ServerOptions { Loops = _workers }, socket =>
        {
            placement[socket] = socket.Loop;
            if (!socket.Loop.IsOnLoopThread)
            {
                Interlocked.Increment(ref offLoop);
            }
            socket.On<byte[]>("data", chunk =>
            {
                if (!socket.Loop.IsOnLoopThread)
                {
                    Interlocked.Increment(ref offLoop);
                }
                socket.Write(chunk);
            });
        });
        var closed = Await.Next(server, "close");
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));

        var clients = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Client.ConnectAsync(server)));
        foreach (var (client, i) in clients.Select((c, i) => (c, i)))
        {
            await ServerTestHelpers.AssertEchoes(client, $"message {i}");
        }
        Assert.Equal(Connections, await server.GetConnectionsAsync().WithTimeout());

        Assert.Equal(0, offLoop);
        Assert.Equal(Connections / 2, placement.Values.Count(l => l == _workers[0]));
        Assert.Equal(Connections / 2, placement.Values.Count(l => l == _workers[1]));

        // close() waits for every socket, whichever loop it lives on; "close" fires once, on the server's loop.
        await _t.Run(() => server.Close());
        foreach (var client in clients)
        {
            client.ShutdownSend();
            Assert.Empty(await client.ReadAllBytesAsync());
            await client.DisposeAsync();
        }
        await closed.WithTimeout();
        Assert.Equal(0, await server.GetConnectionsAsync().WithTimeout());
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public void A_null_loop_in_Loops_is_rejected_with_ERR_INVALID_ARG_VALUE()
    {
        var error = Assert.ThrowsAny<Exception>(() => new Server(new ServerOptions { Loops = [_workers[0], null!] }));

        Assert.Equal("ERR_INVALID_ARG_VALUE", Assert.IsAssignableFrom<INodeError>(error).Code);
    }
}
