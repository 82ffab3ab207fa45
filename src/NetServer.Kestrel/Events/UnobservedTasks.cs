using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace NetServer.Events;

/// <summary>
/// Node's unhandled promise rejections for .NET tasks: an exception left in a task nobody awaited
/// (<c>_ = HandleAsync(socket)</c>) reaches the loop it was thrown on as <c>"unhandledRejection"</c>.
/// </summary>
/// <remarks>
/// <para>.NET learns that a task's exception was never observed only when the task is garbage
/// collected (<see cref="TaskScheduler.UnobservedTaskException"/>, raised by the finalizer), so
/// the report comes late: at the next collection after the task faulted, not at the end of the
/// turn as in Node.</para>
/// <para>Which loop: the one whose callback was running when the exception was thrown, recorded by
/// a process-wide first-chance handler (a thread-static read per exception thrown anywhere; a
/// weak table entry when it is on a loop). A task that faulted elsewhere (after
/// <c>ConfigureAwait(false)</c>, on the thread pool, or in code that has nothing to do with a
/// loop) stays .NET's business and is not reported.</para>
/// <para>Not the library's own tasks: the library discards the tasks of its internal <c>async</c>
/// methods (a socket's read loop, a pending flush, a host-name lookup), which handle their expected
/// errors themselves; should one ever fault, that is not the application's unhandled rejection.
/// Such a task is recognised by its type, the runtime's box for an async method of this assembly.
/// Tasks the public API hands out (<c>ListenAsync</c>, <c>CloseAsync</c>) are the caller's, and
/// are reported like any other.</para>
/// </remarks>
internal static class UnobservedTasks
{
    private static readonly ConditionalWeakTable<Exception, EventLoop> s_thrownOnLoop = new();
    private static int s_installed;

    [ThreadStatic]
    private static bool t_recording;

    /// <summary>Subscribes both process-wide handlers, once; every loop's constructor calls it.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
            TaskScheduler.UnobservedTaskException += OnUnobserved;
        }
    }

    private static void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
    {
        // An exception thrown inside this handler would come back here: the guard stops that, and
        // an out-of-memory exception is not met with an allocation.
        if (t_recording || e.Exception is OutOfMemoryException || EventLoop.Running is not { } loop)
        {
            return;
        }
        t_recording = true;
        try
        {
            s_thrownOnLoop.TryAdd(e.Exception, loop);
        }
        finally
        {
            t_recording = false;
        }
    }

    private static void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        foreach (var error in e.Exception.InnerExceptions)
        {
            if (s_thrownOnLoop.TryGetValue(error, out var loop) && !IsThisLibrarysAsyncMethod(sender as Task))
            {
                e.SetObserved();
                loop.ReportRejection(error, sender as Task);
                return;
            }
        }
    }

    /// <summary>
    /// True for the task of an <c>async</c> method declared in this assembly: the runtime's
    /// <c>AsyncStateMachineBox&lt;TResult, TStateMachine&gt;</c> whose state machine type is ours.
    /// </summary>
    internal static bool IsThisLibrarysAsyncMethod(Task? task) =>
        task is not null && Array.Exists(task.GetType().GetGenericArguments(), t => t.Assembly == typeof(UnobservedTasks).Assembly);
}
