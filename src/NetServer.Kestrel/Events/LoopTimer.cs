namespace NetServer;

/// <summary>
/// A timer on an <see cref="EventLoop"/> (Node's <c>Timeout</c> object): its callback runs on the
/// loop once the delay has passed. A ref'd timer keeps <see cref="EventLoop.RunAsync"/> from completing.
/// </summary>
public sealed class LoopTimer : IDisposable
{
    private readonly EventLoop _loop;
    private readonly Action _callback;

    internal LoopTimer(EventLoop loop, Action callback, long dueAt)
    {
        _loop = loop;
        _callback = callback;
        DueAt = dueAt;
    }

    /// <summary>Loop-clock milliseconds at which the timer fires.</summary>
    internal long DueAt { get; set; }

    /// <summary>Bumped on every (re)schedule so a stale heap entry can be recognised and skipped.</summary>
    internal int Generation { get; set; }

    /// <summary>True while scheduled and not yet fired or disposed.</summary>
    internal bool Active { get; set; }

    /// <summary>True unless <see cref="Unref"/> was called.</summary>
    internal bool IsRef { get; private set; } = true;

    /// <summary>True if this timer keeps the loop alive (Node's <c>hasRef()</c>).</summary>
    /// <returns>Whether the timer is ref'd.</returns>
    public bool HasRef() => IsRef;

    /// <summary>Makes the timer keep the loop alive again (the default).</summary>
    /// <returns>This timer.</returns>
    public LoopTimer Ref()
    {
        _loop.SetTimerRef(this, true);
        return this;
    }

    /// <summary>Lets the loop finish even while this timer is pending (Node's <c>unref()</c>).</summary>
    /// <returns>This timer.</returns>
    public LoopTimer Unref()
    {
        _loop.SetTimerRef(this, false);
        return this;
    }

    /// <summary>Restarts the delay from now, keeping the callback (Node's <c>refresh()</c>).</summary>
    /// <param name="delayMs">The new delay in milliseconds.</param>
    /// <returns>This timer.</returns>
    public LoopTimer Refresh(int delayMs)
    {
        _loop.Reschedule(this, delayMs);
        return this;
    }

    /// <summary>Cancels the timer (Node's <c>clearTimeout</c>).</summary>
    public void Dispose() => _loop.Cancel(this);

    internal void SetRefFlag(bool value) => IsRef = value;

    internal void Fire() => _callback();
}
