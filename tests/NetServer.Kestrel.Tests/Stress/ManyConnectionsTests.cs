using System.Diagnostics;
using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;
using Xunit.Abstractions;

namespace NetServer.Kestrel.Tests.Stress;

/// <summary>Issue #5 item 3a: thousands of live connections, each echoing verified bytes, then Close() with all of them live.</summary>
[Trait("Category", "Stress")]
[Collection(StressGroup.Name)]
public sealed class ManyConnectionsTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Two descriptors per connection in this process (client and server side): 10,000 of the 20,000 `ulimit -n` allows.</summary>
    private const int Connections = 5_000;
    private const int PayloadBytes = 1_024;
    private const int ConnectConcurrency = 64;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(120);

    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Five_thousand_live_connections_echo_every_byte_then_close_waits_for_all_and_emits_once()
    {
        var fdsNeeded = (2 * Connections) + 256;
        var fdLimit = SoftFdLimit();
        Assert.True(fdLimit >= fdsNeeded, $"this test needs `ulimit -n` >= {fdsNeeded} (has {fdLimit})");

        // All counters live on the loop thread: no locks, Node's model.
        var accepted = 0;
        var socketCloses = 0;
        var socketClosesWithError = 0;
        var serverCloses = 0;
        var socketClosesAtServerClose = -1;
        var destroyedAtServerClose = -1;
        var sockets = new List<Socket>(Connections);
        var server = _t.CreateServer(socket =>
        {
            accepted++;
            sockets.Add(socket);
            socket.Pipe(socket);
            socket.On<bool>("close", hadError =>
            {
                socketCloses++;
                if (hadError)
                {
                    socketClosesWithError++;
                }
            });
        });
        server.On("close", () =>
        {
            serverCloses++;
            socketClosesAtServerClose = socketCloses;
            destroyedAtServerClose = sockets.Count(s => s.Destroyed);
        });
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var port = server.Port();

        var clients = new Client[Connections];
        var clock = Stopwatch.StartNew();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Connections), new ParallelOptions { MaxDegreeOfParallelism = ConnectConcurrency }, async (i, _) =>
            {
                var client = await Client.ConnectAsync(IPAddress.Loopback, port);
                clients[i] = client;
                await client.SendAsync(Pattern.Create(i, 0, PayloadBytes));
                Pattern.Verify(await client.ReadExactlyAsync(PayloadBytes), i, 0);
            }).WaitAsync(PhaseTimeout);
            var connectSeconds = clock.Elapsed.TotalSeconds;

            Assert.Equal(Connections, await server.GetConnectionsAsync().WithTimeout());
            Assert.Equal(Connections, await _t.Run(() => accepted));
            output.WriteLine($"{Connections} connections live, {(long)Connections * PayloadBytes} bytes echoed and verified in {connectSeconds:F1} s; {ProcessStats.CountOpenFds()} fds open");

            // Node's close(): stop accepting now, keep every connection, emit "close" after the last one.
            var closed = await _t.Run(server.CloseAsync);
            Assert.False(server.Listening);
            await ServerTestHelpers.AssertRefused(IPAddress.Loopback, port);
            for (var i = 0; i < Connections; i += 500)
            {
                // Still served after close().
                await clients[i].SendAsync(Pattern.Create(i, PayloadBytes, PayloadBytes));
                Pattern.Verify(await clients[i].ReadExactlyAsync(PayloadBytes), i, PayloadBytes);
            }
            Assert.Equal(Connections, await server.GetConnectionsAsync().WithTimeout());
            Assert.Equal((0, 0), await _t.Run(() => (serverCloses, socketCloses)));
            Assert.False(closed.IsCompleted);

            // The peers end; each server socket ends in turn (allowHalfOpen false) and closes.
            clock.Restart();
            await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = ConnectConcurrency }, async (client, _) =>
            {
                client.ShutdownSend();
                Assert.Empty(await client.ReadAllBytesAsync());
            }).WaitAsync(PhaseTimeout);
            await closed.WaitAsync(PhaseTimeout);
            await _t.Flush();
            output.WriteLine($"all {Connections} ended and closed {clock.Elapsed.TotalSeconds:F1} s after the peers' FIN");

            var (closes, withError, serverCloseCount, closesBeforeServerClose, destroyedBeforeServerClose) =
                await _t.Run(() => (socketCloses, socketClosesWithError, serverCloses, socketClosesAtServerClose, destroyedAtServerClose));
            output.WriteLine($"the server's close came after {destroyedBeforeServerClose} sockets were destroyed and {closesBeforeServerClose} had emitted close");
            Assert.Equal(Connections, closes);
            Assert.Equal(0, withError);
            Assert.Equal(1, serverCloseCount);
            // Node: the server's "close" is queued (nextTick) when the last socket is destroyed. A socket's own
            // "close" comes later (libuv's close phase; here a posted callback), so sockets destroyed in the same
            // loop turn as the last one may emit "close" after the server's: only "every socket destroyed" is ordered.
            Assert.Equal(Connections, destroyedBeforeServerClose);
            Assert.InRange(closesBeforeServerClose, 0, Connections - 1);
            Assert.Equal(0, await server.GetConnectionsAsync().WithTimeout());
            Assert.Empty(_t.Uncaught);
        }
        finally
        {
            foreach (var client in clients)
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        }
    }

    /// <summary>The soft RLIMIT_NOFILE, read from /proc/self/limits ("Max open files  soft  hard  files").</summary>
    internal static long SoftFdLimit()
    {
        var line = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return soft == "unlimited" ? long.MaxValue : long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture);
    }
}
