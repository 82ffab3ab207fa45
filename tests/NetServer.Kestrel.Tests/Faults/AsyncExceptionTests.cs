using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;
using NetServer.Kestrel.Tests.SocketBehaviour;

namespace NetServer.Kestrel.Tests.Faults;

/// <summary>
/// Exceptions thrown after an <c>await</c>: in an <c>async</c> listener they reach
/// <c>"uncaughtException"</c> through the loop's SynchronizationContext; in a task nobody awaited
/// they surface as <c>"unhandledRejection"</c> once the task is collected.
/// </summary>
public sealed class AsyncExceptionTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_exception_after_an_await_in_an_async_data_listener_reaches_uncaughtException(bool resumeOnTheLoop)
    {
        var release = new TaskCompletionSource();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resumedOnLoop = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var uncaught = Await.Next<Exception>(_t.Loop, "uncaughtException");
        await using var h = await Harness.StartAsync(_t, s => s.On<byte[]>("data", async _ =>
        {
            listening.TrySetResult();
            // Completed from the test's thread: without the loop's context this would resume there.
            await release.Task.ConfigureAwait(resumeOnTheLoop);
            resumedOnLoop.SetResult(_t.Loop.IsOnLoopThread);
            throw new InvalidOperationException("after an await");
        }));
        await using var client = await h.ConnectAsync();
        await client.SendAsync("x");
        var socket = await h.NextSocketAsync();
        await listening.Task.WithTimeout();
        await h.SettleAsync(); // the listener's callback has returned: it waits in its await
        release.SetResult();

        Assert.Equal(resumeOnTheLoop, await resumedOnLoop.Task.WithTimeout());
        // Either way the async void method hands its exception to the context it started on: the loop's.
        Assert.Equal("after an await", Assert.IsType<InvalidOperationException>(await uncaught).Message);
        Assert.False(await _t.Run(() => socket.Destroyed), "the socket is not destroyed by the error");
    }

    [Fact]
    public async Task An_exception_in_a_discarded_task_surfaces_as_unhandledRejection_when_the_task_is_collected()
    {
        var rejections = new ConcurrentQueue<(Exception Error, Task? Task)>();
        _t.Loop.On<Exception, Task?>("unhandledRejection", (e, task) => rejections.Enqueue((e, task)));

        await _t.Run(() => DiscardFailingTask("lost on the loop"));
        DiscardFailingTaskOffTheLoop("lost on the thread pool");
        await _t.Flush(); // the continuation after Task.Yield has run: the task is faulted, and unreachable
        await CollectUnobservedTasks();

        var (error, task) = Assert.Single(rejections); // not the thread pool's task: it never ran on the loop
        Assert.Equal("lost on the loop", error.Message);
        Assert.True(task is { IsFaulted: true });
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task With_no_unhandledRejection_listener_it_is_an_uncaught_exception_of_that_origin()
    {
        var origins = new ConcurrentQueue<string>();
        _t.Loop.On<Exception, string>("uncaughtException", (_, origin) => origins.Enqueue(origin));

        await _t.Run(() => DiscardFailingTask("nobody awaited this"));
        await _t.Flush();
        await CollectUnobservedTasks();

        Assert.Equal("nobody awaited this", Assert.Single(_t.Uncaught).Message);
        Assert.Equal(["unhandledRejection"], origins);
    }

    [Fact]
    public async Task A_faulted_task_that_was_observed_is_not_reported()
    {
        _t.Loop.On<Exception, Task?>("unhandledRejection", (e, _) => _t.Uncaught.Enqueue(e));
        var observed = await _t.Run(() => FailLaterAsync("awaited"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => observed.WithTimeout());
        observed = null;
        // A positive control in the same collection shows the collection did report what it found.
        await _t.Run(() => DiscardFailingTask("control"));
        await _t.Flush();
        await CollectUnobservedTasks();

        Assert.Equal("control", Assert.Single(_t.Uncaught).Message);
    }

    [Fact]
    public async Task The_librarys_own_async_method_tasks_are_told_apart_by_their_state_machine()
    {
        // The runtime boxes an async method's state machine in a generic task type; the test
        // assembly's method is recognised as not the library's...
        var ours = FailLaterAsync("not the library's");
        await Assert.ThrowsAsync<InvalidOperationException>(() => ours);
        Assert.Contains(ours.GetType().GetGenericArguments(), t => t.Assembly == typeof(AsyncExceptionTests).Assembly);
        Assert.False(Events.UnobservedTasks.IsThisLibrarysAsyncMethod(ours));
        Assert.False(Events.UnobservedTasks.IsThisLibrarysAsyncMethod(Task.FromException(new InvalidOperationException())));
        Assert.False(Events.UnobservedTasks.IsThisLibrarysAsyncMethod(new TaskCompletionSource().Task));

        // ...and the same box around one of the library's own async methods is (the library has a few:
        // a socket's read loop, a pending flush; found by their compiler-made state machine types).
        var machine = typeof(EventLoop).Assembly.GetTypes().First(t => typeof(IAsyncStateMachine).IsAssignableFrom(t) && !t.IsGenericTypeDefinition);
        var box = ours.GetType().GetGenericTypeDefinition().MakeGenericType(ours.GetType().GetGenericArguments()[0], machine);
        Assert.True(Events.UnobservedTasks.IsThisLibrarysAsyncMethod((Task)RuntimeHelpers.GetUninitializedObject(box)));
    }

    /// <summary>Collects garbage until finalizers have run, then lets the loop run what they posted.</summary>
    private async Task CollectUnobservedTasks()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        await _t.Flush();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DiscardFailingTask(string message) => _ = FailLaterAsync(message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DiscardFailingTaskOffTheLoop(string message)
    {
        var task = Task.Run(() => throw new InvalidOperationException(message));
        // Faulted before the collection, without observing the exception (IsCompleted does not).
        Assert.True(SpinWait.SpinUntil(() => task.IsCompleted, TestLoop.Timeout));
    }

    private static async Task FailLaterAsync(string message)
    {
        await Task.Yield();
        throw new InvalidOperationException(message);
    }
}
