using System.Net;
using System.Net.Sockets;
using NetServer.Kestrel.Tests.Infrastructure;
using RawSocket = System.Net.Sockets.Socket;

namespace NetServer.Kestrel.Tests.ClientBehaviour;

/// <summary>
/// A client socket made inside a callback lives on that callback's loop (Node has one loop), so a
/// handler's upstream pipes within one loop; a pipe between two loops is refused, not left to stall.
/// </summary>
public sealed class CrossLoopPipeTests : IDisposable
{
    private readonly TestLoop _t = new();
    private readonly TestLoop _other = new();

    public void Dispose()
    {
        _t.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task A_socket_made_in_a_callback_belongs_to_that_callbacks_loop()
    {
        using var sink = await Sink.StartAsync();
        var (made, explicitLoop) = await _t.Run(() =>
        {
            var a = Net.Connect(sink.Port, "127.0.0.1");
            var b = new Socket(new SocketOptions { Loop = _other.Loop });
            a.Destroy();
            return (a.Loop, b.Loop);
        });
        Assert.Same(_t.Loop, made);
        Assert.Same(_other.Loop, explicitLoop);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(65536)]
    public async Task A_pipe_into_a_socket_of_another_loop_carries_every_byte_through_every_pause(int highWaterMark)
    {
        // A small mark makes nearly every chunk fill the destination, so the source pauses and the
        // destination's "drain" (on the other loop's thread) resumes it thousands of times: each
        // one a chance for the drain to land between the write that filled it and the pause.
        const int Total = 8 * 1024 * 1024;
        using var sink = await Sink.StartAsync();
        var server = _t.CreateServer(new ServerOptions { Loop = _t.Loop, HighWaterMark = highWaterMark }, source =>
        {
            var upstream = new Socket(new SocketOptions { Loop = _other.Loop, HighWaterMark = highWaterMark });
            upstream.Connect(sink.Port, "127.0.0.1");
            source.Pipe(upstream);
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using (var client = await Client.ConnectAsync(server))
        {
            var data = new byte[Total];
            new Random(highWaterMark).NextBytes(data);
            await client.SendAsync(data);
            client.Socket.Shutdown(SocketShutdown.Send);
            Assert.Equal(Total, await sink.Received.WaitAsync(TestLoop.Timeout));
        }
        await server.CloseAsync().WithTimeout();
    }

    /// <summary>A raw server that reads one connection to its end and reports the byte count.</summary>
    private sealed class Sink : IDisposable
    {
        private readonly RawSocket _listener;

        private Sink(RawSocket listener)
        {
            _listener = listener;
            Received = ReadOneAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public Task<long> Received { get; }

        public static Task<Sink> StartAsync()
        {
            var listener = new RawSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(8);
            return Task.FromResult(new Sink(listener));
        }

        public void Dispose() => _listener.Dispose();

        private async Task<long> ReadOneAsync()
        {
            using var peer = await _listener.AcceptAsync();
            var buffer = new byte[4096];
            long total = 0;
            while (await peer.ReceiveAsync(buffer) is var n && n > 0)
            {
                total += n;
            }
            return total;
        }
    }
}
