namespace NetServer.Streams;

/// <summary>
/// One handle's hold on its loop (Node's <c>ref()</c>/<c>unref()</c> on a libuv handle): the
/// handle holds one loop ref while it is active and not unref'd. Shared by servers and sockets,
/// which differ only in what "active" means.
/// </summary>
internal struct LoopRef
{
    private bool _unref;
    private bool _held;

    /// <summary>Node's <c>unref()</c>/<c>ref()</c>, remembered across activity changes.</summary>
    public void SetUnref(bool unref, EventLoop loop, bool active)
    {
        _unref = unref;
        Update(loop, active);
    }

    /// <summary>Takes or gives back the loop ref to match <paramref name="active"/>.</summary>
    public void Update(EventLoop loop, bool active)
    {
        var want = active && !_unref;
        if (want == _held)
        {
            return;
        }
        _held = want;
        if (want)
        {
            loop.AddRef();
        }
        else
        {
            loop.ReleaseRef();
        }
    }
}
