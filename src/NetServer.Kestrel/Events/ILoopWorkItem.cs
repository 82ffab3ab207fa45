namespace NetServer.Events;

/// <summary>
/// Work the loop runs without a closure allocation: sockets and servers implement it and post
/// themselves, so a burst of reads costs one queue entry, not one delegate each.
/// </summary>
internal interface ILoopWorkItem
{
    void Execute();
}
