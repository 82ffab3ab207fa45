using System.Diagnostics;
using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;
using Xunit.Abstractions;

namespace NetServer.Kestrel.Tests.Stress;

/// <summary>
/// Issue #5 item 3c: 100,000 short connections (connect, write 64 B, read the echo, close) leave no
/// descriptors, threads or managed memory behind. Measured after a warm-up of the same shape, each
/// snapshot after every socket has closed and a full GC.
/// </summary>
[Trait("Category", "Stress")]
[Collection(StressGroup.Name)]
public sealed class ChurnTests(ITestOutputHelper output) : IDisposable
{
    private const int WarmUp = 20_000;
    private const int Churn = 100_000;
    private const int Workers = 16;
    private const int MessageBytes = 64;

    /// <summary>Bounds on growth between the warm-up and the end (stated in docs/reliability.md).</summary>
    private const int MaxFdGrowth = 16;
    private const int MaxThreadGrowth = 8;
    private const long MaxHeapGrowth = 8L * 1024 * 1024;

    private static readonly TimeSpan ChurnTimeout = TimeSpan.FromMinutes(5);

    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Churn_of_100000_connections_leaks_no_fds_threads_or_heap()
    {
        var closes = new LoopCounter(_t);
        var server = _t.CreateServer(socket =>
        {
            socket.Pipe(socket);
            socket.On<bool>("close", _ => closes.Increment());
        });
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var port = server.Port();
        try
        {
            await RunAsync(port, 0, WarmUp);
            await closes.WhenAtLeast(WarmUp, TestLoop.Timeout);
            await ProcessStats.WaitForFdsToSettle(TestLoop.Timeout);
            var before = ProcessStats.AfterFullGc();

            var clock = Stopwatch.StartNew();
            await RunAsync(port, WarmUp, Churn);
            await closes.WhenAtLeast(WarmUp + Churn, TestLoop.Timeout);
            var seconds = clock.Elapsed.TotalSeconds;
            var settle = await ProcessStats.WaitForFdsToSettle(TestLoop.Timeout);
            var after = ProcessStats.AfterFullGc();
            output.WriteLine($"descriptors settled {settle.TotalMilliseconds:F0} ms after the last close event");

            output.WriteLine($"{Churn} connections in {seconds:F1} s ({Churn / seconds:F0}/s, {Workers} workers)");
            output.WriteLine($"after warm-up: {before}");
            output.WriteLine($"after churn:   {after}");
            output.WriteLine($"growth: fds {after.OpenFds - before.OpenFds:+#;-#;0}, threads {after.Threads - before.Threads:+#;-#;0}, heap {(after.HeapBytes - before.HeapBytes) / 1024.0:+#,0;-#,0;0} KiB");
            Assert.Equal(0, await server.GetConnectionsAsync().WithTimeout());
            Assert.Equal(WarmUp + Churn, await closes.ReadAsync());
            Assert.InRange(after.OpenFds - before.OpenFds, int.MinValue, MaxFdGrowth);
            Assert.InRange(after.Threads - before.Threads, int.MinValue, MaxThreadGrowth);
            Assert.InRange(after.HeapBytes - before.HeapBytes, long.MinValue, MaxHeapGrowth);
            Assert.Empty(_t.Uncaught);
        }
        finally
        {
            await _t.Run(() => server.Close());
        }
    }

    /// <summary>Connections <paramref name="first"/> .. first+count-1, each with its own verified 64-byte message.</summary>
    private static Task RunAsync(int port, int first, int count)
    {
        var next = first - 1;
        var end = first + count;
        return Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < end)
            {
                await using var client = await Client.ConnectAsync(IPAddress.Loopback, port);
                await client.SendAsync(Pattern.Create(i, 0, MessageBytes));
                Pattern.Verify(await client.ReadExactlyAsync(MessageBytes), i, 0);
            }
        }))).WaitAsync(ChurnTimeout);
    }
}
