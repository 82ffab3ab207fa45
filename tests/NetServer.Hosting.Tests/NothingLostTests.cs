using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using NetServer.Hosting.Tests.Infrastructure;
using NetServer.Kestrel.Tests.Stress;
using Xunit.Abstractions;

namespace NetServer.Hosting.Tests;

/// <summary>
/// Issue #5 item 5: when the host stops during traffic, every byte whose write callback reported
/// success has reached the peer, in order. Servers stream a position-checked pattern as fast as the
/// peers read; each peer verifies every byte it receives until the server ends or resets it.
/// </summary>
public sealed class NothingLostTests(ITestOutputHelper output)
{
    private const int Peers = 4;
    private const int Chunk = 16 * 1024;

    /// <summary>Caps every writer, so no loop is unbounded even if the host never stopped it.</summary>
    private const long MaxStream = 4L * 1024 * 1024 * 1024;

    private static readonly Dictionary<string, string?> Config = new()
    {
        ["NetServer:Endpoints:src:Host"] = "127.0.0.1",
        ["NetServer:Endpoints:src:Port"] = "0",
    };

    [Fact]
    public async Task Host_stop_that_destroys_streaming_connections_loses_no_acknowledged_byte()
    {
        var acknowledged = new ConcurrentDictionary<int, long>();
        await using var host = await TestHost.StartAsync(Config, s => s.AddNetServer().MapEndpoint("src", socket => Stream(socket, MaxStream, acknowledged)));
        var peers = await ConnectPeersAsync(host);
        try
        {
            // Traffic is flowing on every connection when the host stops.
            await Task.WhenAll(peers.Select(p => p.Flowing)).WaitAsync(TestHost.Timeout);
            using var shortGrace = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await host.StopAsync(shortGrace.Token).WaitAsync(TestHost.Timeout);
            await Task.WhenAll(peers.Select(p => p.Done)).WaitAsync(TestHost.Timeout);

            Assert.Contains(host.Logs.NetServerEntries, e => e.EventId.Id == 4); // the stop destroyed live connections
            AssertNothingLost(peers, acknowledged, expectedTotal: null);
        }
        finally
        {
            DisposeAll(peers);
        }
    }

    [Fact]
    public async Task Host_stop_with_time_to_spare_lets_streams_finish_and_delivers_every_byte()
    {
        const long Total = 32L * 1024 * 1024;
        var acknowledged = new ConcurrentDictionary<int, long>();
        await using var host = await TestHost.StartAsync(Config, s => s.AddNetServer().MapEndpoint("src", socket => Stream(socket, Total, acknowledged)));
        var peers = await ConnectPeersAsync(host);
        try
        {
            await Task.WhenAll(peers.Select(p => p.Flowing)).WaitAsync(TestHost.Timeout);
            using var generous = new CancellationTokenSource(TestHost.Timeout);
            await host.StopAsync(generous.Token).WaitAsync(TestHost.Timeout);
            await Task.WhenAll(peers.Select(p => p.Done)).WaitAsync(TestHost.Timeout);

            Assert.False(generous.IsCancellationRequested);
            Assert.DoesNotContain(host.Logs.NetServerEntries, e => e.EventId.Id == 4);
            AssertNothingLost(peers, acknowledged, expectedTotal: Total);
        }
        finally
        {
            DisposeAll(peers);
        }
    }

    /// <summary>
    /// The server side, on the host's loop: writes the peer's pattern (seeded by its port) honouring
    /// <c>Write</c>'s false and <c>"drain"</c>, and adds each chunk to <paramref name="acknowledged"/>
    /// when its callback reports success. Ends after <paramref name="total"/> bytes.
    /// </summary>
    private static void Stream(Socket socket, long total, ConcurrentDictionary<int, long> acknowledged)
    {
        var seed = socket.RemotePort!.Value;
        acknowledged[seed] = 0;
        long queued = 0;
        socket.On<Exception>("error", _ => { }); // destroyed by the host: pending writes fail, that is expected
        void Pump()
        {
            while (queued < total)
            {
                var length = (int)Math.Min(Chunk, total - queued);
                var chunk = new byte[length];
                Pattern.Fill(chunk, seed, queued);
                queued += length;
                var more = socket.Write(chunk, err =>
                {
                    if (err is null)
                    {
                        acknowledged.AddOrUpdate(seed, length, (_, n) => n + length);
                    }
                });
                if (!more)
                {
                    return;
                }
            }
            socket.End();
        }
        socket.On("drain", Pump);
        Pump();
    }

    private void AssertNothingLost(List<Peer> peers, ConcurrentDictionary<int, long> acknowledged, long? expectedTotal)
    {
        Assert.Equal(Peers, acknowledged.Count);
        foreach (var peer in peers)
        {
            var acked = acknowledged[peer.Port];
            output.WriteLine($"peer {peer.Port}: acknowledged {acked} B, received and verified {peer.Received} B, ended by {peer.Ending}");
            Assert.True(acked > 0, $"peer {peer.Port}: no write was acknowledged");
            Assert.True(peer.Received >= acked, $"peer {peer.Port}: received {peer.Received} B but {acked} B were acknowledged");
            Assert.Null(peer.Mismatch);
            if (expectedTotal is { } total)
            {
                Assert.Equal(total, acked);
                Assert.Equal(total, peer.Received);
                Assert.Equal("eof", peer.Ending);
            }
        }
    }

    private static async Task<List<Peer>> ConnectPeersAsync(TestHost host)
    {
        var port = host.PortOf("src");
        var peers = new List<Peer>();
        for (var i = 0; i < Peers; i++)
        {
            var socket = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TestHost.Timeout);
            peers.Add(new Peer(socket));
        }
        return peers;
    }

    private static void DisposeAll(List<Peer> peers)
    {
        foreach (var peer in peers)
        {
            peer.Socket.Dispose();
        }
    }

    /// <summary>A client that reads and verifies until EOF (then ends its side) or reset, never writing data.</summary>
    private sealed class Peer
    {
        private readonly TaskCompletionSource _flowing = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Peer(System.Net.Sockets.Socket socket)
        {
            Socket = socket;
            Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            Done = Task.Run(ReadAsync);
        }

        public System.Net.Sockets.Socket Socket { get; }

        public int Port { get; }

        /// <summary>Completes once a first megabyte has arrived.</summary>
        public Task Flowing => _flowing.Task;

        public Task Done { get; }

        public long Received { get; private set; }

        public string? Mismatch { get; private set; }

        public string Ending { get; private set; } = "?";

        private async Task ReadAsync()
        {
            var buffer = new byte[256 * 1024];
            try
            {
                while (Received < MaxStream)
                {
                    using var cts = new CancellationTokenSource(TestHost.Timeout);
                    var n = await Socket.ReceiveAsync(buffer, cts.Token);
                    if (n == 0)
                    {
                        Ending = "eof";
                        Socket.Shutdown(SocketShutdown.Send); // a well-behaved client ends too, so the server socket can close
                        return;
                    }
                    var bad = Pattern.FirstMismatch(buffer.AsSpan(0, n), Port, Received);
                    if (bad >= 0)
                    {
                        Mismatch = $"byte {Received + bad}";
                        Ending = "mismatch";
                        return;
                    }
                    Received += n;
                    if (Received >= 1024 * 1024)
                    {
                        _flowing.TrySetResult();
                    }
                }
                Ending = "cap";
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset)
            {
                Ending = "reset";
            }
            finally
            {
                _flowing.TrySetResult();
            }
        }
    }
}
