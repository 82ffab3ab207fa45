using System.Collections.Concurrent;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.EventsBehaviour;

public sealed class EventLoopTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    private EventLoop Loop => _t.Loop;

    [Fact]
    public async Task Callbacks_run_one_at_a_time_on_one_thread()
    {
        const int Count = 400;
        var threads = new ConcurrentDictionary<int, bool>();
        var active = 0;
        var maxActive = 0;
        var done = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Work()
        {
            var now = Interlocked.Increment(ref active);
            maxActive = Math.Max(maxActive, now);
            threads.TryAdd(Environment.CurrentManagedThreadId, true);
            Thread.SpinWait(2000);
            Interlocked.Decrement(ref active);
            if (Interlocked.Increment(ref done) == Count)
            {
                all.TrySetResult();
            }
        }
        // Post from several threads at once.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < Count / 4; i++)
            {
                Loop.Post(Work);
            }
        })));
        await all.Task.WithTimeout();
        Assert.Equal(1, maxActive);
        Assert.Single(threads);
    }

    [Fact]
    public async Task Posts_from_one_thread_run_in_order()
    {
        var order = new List<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 100; i++)
        {
            var n = i;
            Loop.Post(() => order.Add(n));
        }
        Loop.Post(() => done.SetResult());
        await done.Task.WithTimeout();
        Assert.Equal(Enumerable.Range(0, 100), order);
    }

    [Fact]
    public async Task NextTick_runs_before_await_continuations_which_run_before_posted_work()
    {
        var order = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Continuation()
        {
            await Task.Yield();
            order.Add("await");
        }
        Loop.Post(() =>
        {
            order.Add("start");
            Loop.Post(() =>
            {
                order.Add("post");
                done.SetResult();
            });
            Loop.SetImmediate(() => order.Add("immediate"));
            _ = Continuation();
            Loop.NextTick(() =>
            {
                order.Add("tick1");
                Loop.NextTick(() => order.Add("tick-from-tick"));
            });
            Loop.NextTick(() => order.Add("tick2"));
            order.Add("end");
        });
        await done.Task.WithTimeout();
        await _t.Run(() => { });
        Assert.Equal(["start", "end", "tick1", "tick2", "tick-from-tick", "await", "post", "immediate"], order);
    }

    [Fact]
    public async Task An_await_inside_a_callback_resumes_on_the_loop_thread()
    {
        var result = new TaskCompletionSource<(bool Before, bool InPool, bool After)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Loop.Post(async () =>
        {
            var before = Loop.IsOnLoopThread;
            var inPool = await Task.Run(() => Loop.IsOnLoopThread);
            result.SetResult((before, inPool, Loop.IsOnLoopThread));
        });
        var (before, inPool, after) = await result.Task.WithTimeout();
        Assert.True(before);
        Assert.False(inPool);
        Assert.True(after);
    }

    [Fact]
    public async Task Timers_fire_in_due_time_order_and_Dispose_cancels()
    {
        var order = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _t.Run(() =>
        {
            Loop.SetTimeout(() =>
            {
                order.Enqueue(90);
                done.SetResult();
            }, 90);
            Loop.SetTimeout(() => order.Enqueue(30), 30);
            var cancelled = Loop.SetTimeout(() => order.Enqueue(-1), 45);
            Loop.SetTimeout(() => order.Enqueue(60), 60);
            Loop.SetTimeout(() => order.Enqueue(1), 1);
            cancelled.Dispose();
        });
        await done.Task.WithTimeout();
        Assert.Equal([1, 30, 60, 90], order);
    }

    [Fact]
    public async Task Timers_with_equal_delay_fire_in_creation_order()
    {
        var order = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _t.Run(() =>
        {
            for (var i = 0; i < 5; i++)
            {
                var n = i;
                Loop.SetTimeout(() => order.Enqueue(n), 20);
            }
            Loop.SetTimeout(() => done.SetResult(), 20);
        });
        await done.Task.WithTimeout();
        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public async Task An_unrefd_timer_does_not_keep_RunAsync_pending()
    {
        var fired = false;
        var timer = Loop.SetTimeout(() => fired = true, 60_000).Unref();
        Assert.False(timer.HasRef());
        await Loop.RunAsync().WithTimeout();
        Assert.False(fired);
        timer.Dispose();
    }

    [Fact]
    public async Task A_refd_timer_keeps_RunAsync_pending_until_it_fires()
    {
        var fired = 0;
        Loop.SetTimeout(() => Interlocked.Exchange(ref fired, 1), 100);
        await Loop.RunAsync().WithTimeout();
        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task Ref_after_Unref_keeps_RunAsync_pending_again()
    {
        var fired = 0;
        Loop.SetTimeout(() => Interlocked.Exchange(ref fired, 1), 80).Unref().Ref();
        await Loop.RunAsync().WithTimeout();
        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task RunAsync_can_be_awaited_by_two_callers_and_again_later()
    {
        var fired = 0;
        Loop.SetTimeout(() => Interlocked.Increment(ref fired), 80);
        var first = Loop.RunAsync();
        var second = Loop.RunAsync();
        await Task.WhenAll(first, second).WithTimeout();
        Assert.Equal(1, Volatile.Read(ref fired));

        // Idle now: awaiting again completes.
        await Loop.RunAsync().WithTimeout();

        // And new work keeps a fresh RunAsync pending until it is done.
        Loop.SetTimeout(() => Interlocked.Increment(ref fired), 50);
        await Loop.RunAsync().WithTimeout();
        Assert.Equal(2, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task An_exception_in_a_callback_reaches_uncaughtException_and_the_loop_keeps_running()
    {
        var boom = new InvalidOperationException("boom");
        var seen = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Loop.On<Exception>("uncaughtException", ex => seen.TrySetResult(ex));
        Loop.Post(() => throw boom);
        Assert.Same(boom, await seen.Task.WithTimeout());

        var stillRunning = await _t.Run(() => Loop.IsOnLoopThread);
        Assert.True(stillRunning);

        var tickBoom = new InvalidOperationException("tick");
        Loop.Post(() => Loop.NextTick(() => throw tickBoom));
        await _t.Run(() => { });
        Assert.Contains(tickBoom, _t.Uncaught);
        Assert.Contains(boom, _t.Uncaught);
    }

    [Fact]
    public async Task An_error_emitted_without_listener_inside_a_callback_reaches_uncaughtException()
    {
        var emitter = new EventEmitter();
        var error = new InvalidOperationException("unhandled");
        var seen = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Loop.On<Exception>("uncaughtException", ex => seen.TrySetResult(ex));
        Loop.Post(() => emitter.Emit("error", error));
        Assert.Same(error, await seen.Task.WithTimeout());
    }
}
