namespace NetServer.Events;

/// <summary>
/// Makes an <c>await</c> inside a loop callback resume on the loop, at promise-job priority
/// (after nextTicks, before I/O), as Node's promise continuations do.
/// </summary>
internal sealed class LoopSynchronizationContext(EventLoop loop) : SynchronizationContext
{
    public EventLoop Loop { get; } = loop;

    public override void Post(SendOrPostCallback d, object? state) => Loop.QueueMicrotask(d, state);

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (Loop.IsOnLoopThread)
        {
            d(state);
            return;
        }
        using var done = new ManualResetEventSlim();
        Exception? error = null;
        Loop.Post(() =>
        {
            try
            {
                d(state);
            }
            catch (Exception ex)
            {
                error = ex;
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    public override SynchronizationContext CreateCopy() => this;
}
