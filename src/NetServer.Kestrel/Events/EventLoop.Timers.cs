namespace NetServer;

/// <summary>Timers: Node's timer list, a priority queue by due time and arrival.</summary>
public sealed partial class EventLoop
{
    /// <summary>Node's <c>setTimeout</c>: runs <paramref name="callback"/> on the loop after <paramref name="ms"/> milliseconds.</summary>
    /// <param name="callback">The callback.</param>
    /// <param name="ms">The delay; values below 1 mean 1, as in Node.</param>
    /// <returns>The timer, for <c>Dispose</c> (clearTimeout), <c>Ref</c> and <c>Unref</c>.</returns>
    public LoopTimer SetTimeout(Action callback, int ms)
    {
        ValidateCallback(callback);
        var timer = new LoopTimer(this, callback, 0);
        Reschedule(timer, ms);
        return timer;
    }

    internal void Reschedule(LoopTimer timer, int delayMs)
    {
        var delay = delayMs < 1 ? 1 : delayMs;
        lock (_gate)
        {
            timer.Generation++;
            timer.DueAt = Now + delay;
            if (!timer.Active)
            {
                timer.Active = true;
                if (timer.IsRef)
                {
                    _refs++;
                }
            }
            _timers.Enqueue((timer, timer.Generation), (timer.DueAt, _timerSequence++));
            if (!_held)
            {
                WakeForTimerLocked(timer.DueAt);
            }
        }
    }

    internal void Cancel(LoopTimer timer)
    {
        lock (_gate)
        {
            if (!timer.Active)
            {
                return;
            }
            timer.Active = false;
            timer.Generation++;
            if (timer.IsRef && --_refs == 0)
            {
                WakeLocked();
            }
        }
    }

    internal void SetTimerRef(LoopTimer timer, bool value)
    {
        lock (_gate)
        {
            if (timer.IsRef == value)
            {
                return;
            }
            timer.SetRefFlag(value);
            if (timer.Active)
            {
                _refs += value ? 1 : -1;
            }
            WakeLocked();
        }
    }

    /// <summary>The loop's own thread needs to wake before <see cref="_wakeAt"/> for a timer due at <paramref name="dueAt"/>.</summary>
    private void WakeForTimerLocked(long dueAt)
    {
        if (dueAt < _wakeAt)
        {
            WakeLocked();
        }
    }

    private long NextTimerDelayLocked()
    {
        while (_timers.TryPeek(out var entry, out var key))
        {
            if (entry.Generation != entry.Timer.Generation || !entry.Timer.Active)
            {
                _timers.Dequeue();
                continue;
            }
            return Math.Max(0, key.DueAt - Now);
        }
        return -1;
    }

    private void CollectDueTimersLocked(List<LoopTimer> due)
    {
        var now = Now;
        while (_timers.TryPeek(out var entry, out var key) && key.DueAt <= now)
        {
            _timers.Dequeue();
            var timer = entry.Timer;
            if (entry.Generation != timer.Generation || !timer.Active)
            {
                continue;
            }
            timer.Active = false;
            if (timer.IsRef)
            {
                _refs--;
            }
            due.Add(timer);
        }
    }
}
