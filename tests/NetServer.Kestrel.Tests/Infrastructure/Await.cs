namespace NetServer.Kestrel.Tests.Infrastructure;

/// <summary>Awaiting events instead of sleeping: each helper completes when the emitter emits.</summary>
public static class Await
{
    public static Task Next(EventEmitter emitter, string eventName)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        emitter.Once(eventName, () => tcs.TrySetResult());
        return tcs.Task.WaitAsync(TestLoop.Timeout);
    }

    public static Task<T> Next<T>(EventEmitter emitter, string eventName)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        emitter.Once<T>(eventName, v => tcs.TrySetResult(v));
        return tcs.Task.WaitAsync(TestLoop.Timeout);
    }

    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(TestLoop.Timeout);

    public static Task WithTimeout(this Task task) => task.WaitAsync(TestLoop.Timeout);
}
