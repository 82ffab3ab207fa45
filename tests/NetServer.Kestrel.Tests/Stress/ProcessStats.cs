using System.Diagnostics;

namespace NetServer.Kestrel.Tests.Stress;

/// <summary>What the process holds: open file descriptors, OS threads (and how many of them are thread-pool workers), managed heap and working set.</summary>
public readonly record struct ProcessStats(int OpenFds, int Threads, int PoolThreads, long HeapBytes, long WorkingSetBytes)
{
    /// <summary>Takes a snapshot after a full, compacting GC (finalizers included) so garbage is not counted.</summary>
    public static ProcessStats AfterFullGc()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return Now(GC.GetTotalMemory(forceFullCollection: true));
    }

    /// <summary>Takes a snapshot without collecting (the heap figure then includes garbage not yet collected).</summary>
    public static ProcessStats Now() => Now(GC.GetTotalMemory(forceFullCollection: false));

    public static int CountOpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>
    /// Waits until the descriptor count has stayed the same for half a second (at most <paramref name="timeout"/>):
    /// a socket's <c>"close"</c> event is emitted when it is destroyed, and Kestrel's transport releases the
    /// descriptor moments later, off the loop. Returns how long it took.
    /// </summary>
    public static async Task<TimeSpan> WaitForFdsToSettle(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = CountOpenFds();
        var stableSince = clock.Elapsed;
        while (clock.Elapsed - stableSince < TimeSpan.FromMilliseconds(500) && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
            var now = CountOpenFds();
            if (now != last)
            {
                last = now;
                stableSince = clock.Elapsed;
            }
        }
        return clock.Elapsed;
    }

    public override string ToString() =>
        $"fds {OpenFds}, threads {Threads} ({PoolThreads} in the thread pool), heap {HeapBytes / 1024.0 / 1024:F1} MiB, working set {WorkingSetBytes / 1024.0 / 1024:F1} MiB";

    private static ProcessStats Now(long heap)
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessStats(CountOpenFds(), process.Threads.Count, ThreadPool.ThreadCount, heap, process.WorkingSet64);
    }
}
