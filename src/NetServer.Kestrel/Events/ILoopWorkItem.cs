namespace NetServer.Events;

/// <summary>
/// Work the loop runs without a closure allocation: sockets and servers implement it and post
/// themselves, so a burst of reads costs one queue entry, not one delegate each.
/// </summary>
internal interface ILoopWorkItem
{
    /// <summary>Runs on the loop.</summary>
    void Execute();

    /// <summary>
    /// The loop was disposed before it could run this item: release what the item holds (a socket
    /// closes its connection, a pending read lets its reader go). No user callback may run; may be
    /// called on any thread.
    /// </summary>
    void Abandon();
}
