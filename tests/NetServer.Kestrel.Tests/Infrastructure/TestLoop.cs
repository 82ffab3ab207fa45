using System.Collections.Concurrent;

namespace NetServer.Kestrel.Tests.Infrastructure;

/// <summary>
/// A private event loop per test: callbacks of the test's servers run on it, and any unhandled
/// error is captured (instead of ending the test host) so the test can assert on it.
/// </summary>
public sealed class TestLoop : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public TestLoop()
    {
        Loop = new EventLoop();
        Loop.On<Exception>("uncaughtException", ex => Uncaught.Enqueue(ex));
    }

    public EventLoop Loop { get; }

    public ConcurrentQueue<Exception> Uncaught { get; } = new();

    public Server CreateServer(Action<Socket>? onConnection = null) => new(new ServerOptions { Loop = Loop }, onConnection);

    public Server CreateServer(ServerOptions options, Action<Socket>? onConnection = null)
    {
        options.Loop = Loop;
        return new Server(options, onConnection);
    }

    /// <summary>Runs <paramref name="action"/> on the loop and returns its result.</summary>
    public Task<T> Run<T>(Func<T> action)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Loop.Post(() =>
        {
            try
            {
                tcs.SetResult(action());
            }
            catch (Exception ex)
            {
                tcs.SetException(ex);
            }
        });
        return tcs.Task.WaitAsync(Timeout);
    }

    public Task Run(Action action) => Run(() =>
    {
        action();
        return true;
    });

    /// <summary>
    /// Keeps the loop busy in a callback until <paramref name="release"/> is set, so that I/O arriving
    /// meanwhile queues up; the returned task completes once the callback is running.
    /// </summary>
    public Task HoldAsync(ManualResetEventSlim release)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Run(() =>
        {
            entered.SetResult();
            release.Wait(Timeout);
        });
        return entered.Task.WaitAsync(Timeout);
    }

    public void Dispose() => Loop.Dispose();
}
