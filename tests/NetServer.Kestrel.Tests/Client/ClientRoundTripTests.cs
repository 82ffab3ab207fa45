using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ClientBehaviour;

/// <summary>
/// A NetServer client socket moving bulk data against a NetServer server and against a plain
/// System.Net.Sockets server: every byte arrives intact and in order, and the life-cycle events
/// come in Node's order. (The Node-differential client scenarios pin the event details.)
/// </summary>
public sealed class ClientRoundTripTests : IDisposable
{
    private const int OneMiB = 1024 * 1024;
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    private static byte[] RandomBytes(int n, int seed)
    {
        var data = new byte[n];
        new Random(seed).NextBytes(data);
        return data;
    }

    private Socket NewClient() => new(new SocketOptions { Loop = _t.Loop });

    /// <summary>The client's non-data events in order, and everything it read; <see cref="Closed"/> completes on 'close'.</summary>
    private sealed class Recorder
    {
        private readonly TaskCompletionSource<bool> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Recorder(Socket socket)
        {
            foreach (var name in new[] { "connect", "ready", "drain", "end", "finish", "timeout" })
            {
                socket.On(name, () => Events.Add(name));
            }
            socket.On<byte[]>("data", d => Received.Write(d));
            socket.On<Exception>("error", e => Events.Add("error " + (e as INodeError)?.Code));
            socket.On<bool>("close", hadError =>
            {
                Events.Add(hadError ? "close(true)" : "close(false)");
                _closed.TrySetResult(hadError);
            });
        }

        /// <summary>Only touched on the loop thread until <see cref="Closed"/> completes.</summary>
        public List<string> Events { get; } = [];

        public MemoryStream Received { get; } = new();

        public Task<bool> Closed => _closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static void AssertBefore(List<string> events, string first, string then)
    {
        var a = events.IndexOf(first);
        var b = events.IndexOf(then);
        Assert.True(a >= 0 && b >= 0 && a < b, $"expected '{first}' before '{then}' in [{string.Join(", ", events)}]");
    }

    [Fact]
    public async Task One_MiB_echoed_by_a_NetServer_server_arrives_intact_with_backpressure()
    {
        // The server pipes each socket into itself (Node's socket.pipe(socket)): an echo with backpressure.
        var server = _t.CreateServer(s => s.Pipe(s));
        await server.ListenAsync(0, "127.0.0.1");
        var port = ((AddressInfo)server.Address()!).Port;
        var payload = RandomBytes(OneMiB, 1);
        bool? firstWrite = null;
        Socket c = null!;
        Recorder rec = null!;
        await _t.Run(() =>
        {
            c = NewClient();
            rec = new Recorder(c);
            c.Connect(port, "127.0.0.1", () =>
            {
                firstWrite = c.Write(payload);
                // Node emits no 'drain' once end() was called, so end only after it.
                c.Once("drain", () => c.End());
            });
        });

        Assert.False(await rec.Closed);
        var events = rec.Events;
        Assert.False(firstWrite, "a 1 MiB write is above the 64 KiB high-water mark: write() must return false");
        Assert.Equal(["connect", "ready"], events.Take(2));
        AssertBefore(events, "drain", "finish");
        AssertBefore(events, "finish", "close(false)");
        AssertBefore(events, "end", "close(false)");
        Assert.Equal("close(false)", events[^1]);
        Assert.Equal(1, events.Count(e => e == "drain"));
        Assert.DoesNotContain(events, e => e.StartsWith("error", StringComparison.Ordinal));
        var received = rec.Received.ToArray();
        Assert.Equal(payload.Length, received.Length);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));
        Assert.Equal(OneMiB, c.BytesWritten);
        Assert.Equal(OneMiB, c.BytesRead);
        await server.CloseAsync();
    }

    [Fact]
    public async Task Bulk_data_both_ways_with_a_System_Net_Sockets_server()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var upload = RandomBytes(OneMiB + 3, 2);
        var reply = RandomBytes(OneMiB - 5, 3);

        // The raw server hashes everything up to the client's FIN, then sends its reply and FIN.
        var serverSide = Task.Run(async () =>
        {
            using var peer = await listener.AcceptSocketAsync();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = await peer.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }
            await peer.SendAsync(reply, SocketFlags.None);
            peer.Shutdown(SocketShutdown.Send);
            // Held open until the client has read the reply and closed its end.
            while (await peer.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
            return (total, hash.GetHashAndReset());
        });

        Socket c = null!;
        Recorder rec = null!;
        var writes = new List<Exception?>();
        await _t.Run(() =>
        {
            c = NewClient();
            rec = new Recorder(c);
            c.Connect(new SocketConnectOptions { Port = port, Host = "127.0.0.1" });
            // Everything is written and ended before the connection exists: it must queue, in order.
            var third = upload.Length / 3;
            c.Write(upload[..third], writes.Add);
            c.Write(upload[third..(2 * third)], writes.Add);
            c.End(upload[(2 * third)..]);
            Assert.True(c.Connecting);
        });

        Assert.False(await rec.Closed);
        var (total, serverHash) = await serverSide.WaitAsync(TestLoop.Timeout);
        Assert.Equal(upload.Length, total);
        Assert.Equal(SHA256.HashData(upload), serverHash);
        var received = rec.Received.ToArray();
        Assert.Equal(reply.Length, received.Length);
        Assert.Equal(SHA256.HashData(reply), SHA256.HashData(received));
        Assert.Equal([null, null], writes);
        var events = rec.Events;
        Assert.Equal(["connect", "ready"], events.Take(2));
        AssertBefore(events, "finish", "close(false)");
        AssertBefore(events, "end", "close(false)");
        Assert.Equal("close(false)", events[^1]);
        Assert.DoesNotContain(events, e => e.StartsWith("error", StringComparison.Ordinal));
        Assert.Equal(upload.Length, c.BytesWritten);
        Assert.Equal(reply.Length, c.BytesRead);
    }

    [Fact]
    public async Task Many_small_writes_reach_a_System_Net_Sockets_server_in_order()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverSide = Task.Run(async () =>
        {
            using var peer = await listener.AcceptSocketAsync();
            using var all = new MemoryStream();
            var buffer = new byte[8192];
            int n;
            while ((n = await peer.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                all.Write(buffer, 0, n);
            }
            return all.ToArray();
        });

        const int Count = 2000;
        var callbacks = new List<int>();
        Recorder rec = null!;
        await _t.Run(() =>
        {
            var c = NewClient();
            rec = new Recorder(c);
            c.Connect(port, "127.0.0.1", () =>
            {
                for (var i = 0; i < Count; i++)
                {
                    var index = i;
                    // A failed write shows up as -1 in the callback order checked below.
                    c.Write(BitConverter.GetBytes(i), err => callbacks.Add(err is null ? index : -1));
                }
                c.End();
            });
        });

        var bytes = await serverSide.WaitAsync(TestLoop.Timeout);
        Assert.False(await rec.Closed);
        Assert.Equal(Count * sizeof(int), bytes.Length);
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(bytes, i * sizeof(int)));
        }
        // Write callbacks run in write order.
        Assert.Equal(Enumerable.Range(0, Count), callbacks);
    }
}
