using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.Stress;

/// <summary>
/// A counter owned by the loop thread (incremented from event listeners) that a test can await
/// reaching a value: the wait completes on the event itself, never by polling.
/// </summary>
public sealed class LoopCounter(TestLoop t)
{
    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];

    /// <summary>The current value; read it on the loop (or through <see cref="ReadAsync"/>).</summary>
    public long Value { get; private set; }

    /// <summary>Adds one; call on the loop.</summary>
    public void Increment() => Add(1);

    /// <summary>Adds <paramref name="amount"/>; call on the loop.</summary>
    public void Add(long amount)
    {
        Value += amount;
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (Value >= _waiters[i].Target)
            {
                _waiters[i].Reached.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    public Task<long> ReadAsync() => t.Run(() => Value);

    /// <summary>Completes once the counter has reached <paramref name="target"/>, failing after <paramref name="timeout"/>.</summary>
    public async Task WhenAtLeast(long target, TimeSpan timeout)
    {
        var reached = await t.Run(() =>
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Value >= target)
            {
                tcs.SetResult();
            }
            else
            {
                _waiters.Add((target, tcs));
            }
            return tcs.Task;
        });
        try
        {
            await reached.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the counter reached {await ReadAsync()} of {target} in {timeout.TotalSeconds} s");
        }
    }
}
