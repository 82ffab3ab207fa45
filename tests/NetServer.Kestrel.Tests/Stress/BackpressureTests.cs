using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;
using Xunit.Abstractions;

namespace NetServer.Kestrel.Tests.Stress;

/// <summary>Issue #5 item 4: backpressure in both directions keeps the server's memory bounded and loses nothing.</summary>
[Collection(StressGroup.Name)]
public sealed class BackpressureTests(ITestOutputHelper output) : IDisposable
{
    private const int Chunk = 64 * 1024;
    private const int HighWaterMark = 64 * 1024;

    /// <summary>Kestrel's input pipe stops receiving at this many unread bytes (SocketConnectionFactoryOptions.MaxReadBufferSize default).</summary>
    private const int TransportReadThreshold = 1024 * 1024;

    private const long MiB = 1024 * 1024;

    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    [Trait("Category", "Stress")]
    public async Task Writing_1_GiB_to_a_peer_that_does_not_read_honours_drain_keeps_memory_bounded_and_delivers_every_byte()
    {
        const long Total = 1024 * MiB;
        const long MemoryBound = 64 * MiB;     // working set: includes what the GC keeps committed for allocations
        const long RetainedBound = 16 * MiB;   // live heap after a GC: what the server actually holds
        const int Seed = 42;

        // Loop-thread state of the writer.
        long queued = 0;
        long acknowledged = 0;
        long maxWritableLength = 0;
        var writesReturningFalse = 0;
        var drains = 0;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A chunk may be reused once its write callback ran (it is in the kernel then), as a Node
        // program reusing Buffers would: the writer's own garbage then does not hide the socket's.
        var pool = new Stack<byte[]>();
        var server = _t.CreateServer(new ServerOptions { HighWaterMark = HighWaterMark }, socket =>
        {
            void Pump()
            {
                while (queued < Total)
                {
                    var chunk = pool.Count > 0 ? pool.Pop() : new byte[Chunk];
                    Pattern.Fill(chunk, Seed, queued);
                    queued += Chunk;
                    var more = socket.Write(chunk, err =>
                    {
                        if (err is null)
                        {
                            acknowledged += Chunk;
                            pool.Push(chunk);
                        }
                    });
                    maxWritableLength = Math.Max(maxWritableLength, socket.WritableLength);
                    if (!more)
                    {
                        writesReturningFalse++;
                        return; // honour backpressure: resume on "drain"
                    }
                }
                socket.End(() => finished.TrySetResult());
            }
            socket.On("drain", () =>
            {
                drains++;
                Pump();
            });
            Pump();
        });
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var idle = ProcessStats.AfterFullGc();

        using var sampler = new MemorySampler();
        await using var peer = await Client.ConnectAsync(server);

        // Phase 1: the peer reads nothing until the server's writes have stopped progressing.
        var stalledAt = await WaitUntilQuiet(() => _t.Run(() => queued), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var (falseWhileStalled, lengthWhileStalled) = await _t.Run(() => (writesReturningFalse, maxWritableLength));
        var stalled = ProcessStats.AfterFullGc();
        Assert.True(falseWhileStalled > 0, "Write() never returned false");
        Assert.True(stalledAt < Total, "the whole GiB went out to a peer that reads nothing");
        output.WriteLine($"stalled after {stalledAt / (double)MiB:F1} MiB queued; {stalled}");

        // Phase 2: the peer reads and verifies every byte.
        var clock = Stopwatch.StartNew();
        var buffer = new byte[MiB];
        long received = 0;
        while (true)
        {
            var n = await peer.Socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WithTimeout();
            if (n == 0)
            {
                break;
            }
            Pattern.Verify(buffer.AsSpan(0, n), Seed, received);
            received += n;
            Assert.True(received <= Total, "more bytes than were written");
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await finished.Task.WithTimeout();
        var peak = sampler.Stop();
        var collections = GC.CollectionCount(0) - sampler.Gen0AtStart;

        var (ack, falses, drainCount, maxLength, chunksAllocated) = await _t.Run(() => (acknowledged, writesReturningFalse, drains, maxWritableLength, pool.Count));
        var retainedWhileStalled = stalled.HeapBytes - idle.HeapBytes;
        var retainedGrowth = sampler.PeakHeapAfterGc - idle.HeapBytes;
        var heapGrowth = peak.HeapBytes - idle.HeapBytes;
        var workingSetGrowth = peak.WorkingSetBytes - idle.WorkingSetBytes;
        output.WriteLine($"{received / (double)MiB:F0} MiB verified in {seconds:F1} s ({received / (double)MiB / seconds:F0} MiB/s); Write() false {falses} times, {drainCount} drains, max writableLength {maxLength} B, {chunksAllocated} chunk buffers in the writer's pool");
        output.WriteLine($"idle: {idle}");
        output.WriteLine($"heap retained above idle: {retainedWhileStalled / (double)MiB:F1} MiB while stalled (full GC), peak {retainedGrowth / (double)MiB:F1} MiB after any of the {collections} gen0+ GCs during the transfer");
        output.WriteLine($"peak growth above idle: heap including garbage {heapGrowth / (double)MiB:F1} MiB, working set {workingSetGrowth / (double)MiB:F1} MiB ({sampler.Samples} samples)");
        Assert.Equal(Total, received);
        Assert.Equal(Total, ack);
        Assert.Equal(falses, drainCount); // every false was followed by exactly one drain
        Assert.InRange(maxLength, 0, HighWaterMark + Chunk);
        Assert.InRange(lengthWhileStalled, 0, HighWaterMark + Chunk);
        Assert.InRange(retainedWhileStalled, long.MinValue, RetainedBound);
        Assert.InRange(retainedGrowth, long.MinValue, RetainedBound);
        Assert.InRange(workingSetGrowth, long.MinValue, MemoryBound);
        Assert.Empty(_t.Uncaught);
        await _t.Run(() => server.Close());
    }

    [Fact]
    public async Task A_paused_socket_stops_reading_from_the_kernel_and_resume_delivers_every_byte_in_order()
    {
        const int Seed = 7;
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = new LoopCounter(_t);
        long mismatchAt = -1;
        var server = _t.CreateServer(new ServerOptions { HighWaterMark = HighWaterMark }, socket =>
        {
            socket.Pause();
            socket.On<byte[]>("data", chunk =>
            {
                var bad = Pattern.FirstMismatch(chunk, Seed, delivered.Value);
                if (bad >= 0 && mismatchAt < 0)
                {
                    mismatchAt = delivered.Value + bad;
                }
                delivered.Add(chunk.Length);
            });
            accepted.TrySetResult(socket);
        });
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using var peer = await Client.ConnectAsync(server);
        var socket = await accepted.Task.WithTimeout();

        // The peer sends without blocking until the kernel refuses more and stays full for a second.
        var bound = HighWaterMark + Chunk + TransportReadThreshold + KernelBufferMax("tcp_rmem") + KernelBufferMax("tcp_wmem");
        peer.Socket.Blocking = false;
        long sent = 0;
        var wouldBlock = 0;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                sent += peer.Socket.Send(Pattern.Create(Seed, sent, Chunk));
                Assert.True(sent <= bound, $"the peer sent {sent} bytes to a paused socket (bound {bound})");
                continue;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
            {
                wouldBlock++;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the peer's sends never stalled");
            if (!peer.Socket.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectWrite))
            {
                break; // no room for a whole second: nobody is reading on the other side
            }
        }
        var (buffered, bytesRead, paused, deliveredWhilePaused) = await _t.Run(() => (socket.ReadableLength, socket.BytesRead, socket.IsPaused(), delivered.Value));
        output.WriteLine($"paused: the peer's sends stalled after {sent} B ({wouldBlock} would-block); the socket read {bytesRead} B and buffers {buffered} B (HWM {HighWaterMark})");
        Assert.True(wouldBlock > 0);
        Assert.True(paused);
        Assert.Equal(0, deliveredWhilePaused);
        Assert.InRange(buffered, 1, HighWaterMark + Chunk);
        Assert.Equal(bytesRead, buffered);
        Assert.True(sent > bytesRead, "the kernel and the transport should hold the rest");

        // Resume: everything sent arrives, in order, and the peer can send again.
        await _t.Run(() => socket.Resume());
        await delivered.WhenAtLeast(sent, TestLoop.Timeout);
        peer.Socket.Blocking = true;
        var tail = Pattern.Create(Seed, sent, 1000);
        await peer.SendAsync(tail);
        await delivered.WhenAtLeast(sent + tail.Length, TestLoop.Timeout);
        Assert.Equal(sent + tail.Length, await delivered.ReadAsync());
        Assert.Equal(-1, await _t.Run(() => mismatchAt));
        Assert.Empty(_t.Uncaught);
        await _t.Run(() => server.Close());
    }

    /// <summary>The largest buffer the kernel may autotune a TCP socket to (third field of /proc/sys/net/ipv4/tcp_rmem or tcp_wmem).</summary>
    private static long KernelBufferMax(string name) =>
        long.Parse(File.ReadAllText($"/proc/sys/net/ipv4/{name}").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Samples <paramref name="read"/> until it has not changed for <paramref name="quiet"/>: a stall
    /// is the absence of progress, so it can only be observed over time (bounded by <paramref name="timeout"/>).
    /// </summary>
    private static async Task<long> WaitUntilQuiet(Func<Task<long>> read, TimeSpan quiet, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = await read();
        var since = clock.Elapsed;
        while (clock.Elapsed - since < quiet)
        {
            Assert.True(clock.Elapsed < timeout, $"still progressing after {timeout.TotalSeconds} s");
            await Task.Delay(50);
            var now = await read();
            if (now != last)
            {
                last = now;
                since = clock.Elapsed;
            }
        }
        return last;
    }

    /// <summary>Records the peak heap (without forcing a GC) and working set every 20 ms until stopped.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;
        private long _peakHeap;
        private long _peakWorkingSet;
        private long _peakHeapAfterGc;

        public MemorySampler() => _run = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                try
                {
                    await Task.Delay(20, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        public int Samples { get; private set; }

        public int Gen0AtStart { get; } = GC.CollectionCount(0);

        /// <summary>The largest heap size (live objects and fragmentation) any GC left behind while sampling.</summary>
        public long PeakHeapAfterGc => _peakHeapAfterGc;

        public ProcessStats Stop()
        {
            _stop.Cancel();
            _run.Wait(TestLoop.Timeout);
            Sample();
            return new ProcessStats(0, 0, 0, _peakHeap, _peakWorkingSet);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        private void Sample()
        {
            var now = ProcessStats.Now();
            _peakHeap = Math.Max(_peakHeap, now.HeapBytes);
            _peakWorkingSet = Math.Max(_peakWorkingSet, now.WorkingSetBytes);
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            if (info.Index > 0 && info.Generation >= 0)
            {
                _peakHeapAfterGc = Math.Max(_peakHeapAfterGc, info.HeapSizeBytes - info.FragmentedBytes);
            }
            Samples++;
        }
    }
}
