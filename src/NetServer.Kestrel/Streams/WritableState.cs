namespace NetServer.Streams;

/// <summary>
/// The writable side's state, as Node keeps it in <c>WritableState</c> (lib/internal/streams):
/// corking, the one flush in flight, ending, finishing and <c>"drain"</c>, with the byte counts
/// behind <c>writableLength</c> and the write return value. Every change is a named transition;
/// the socket holds its lock around them.
/// </summary>
internal struct WritableState
{
    private Flags _flags;
    private int _corked;

    [Flags]
    private enum Flags : byte
    {
        None = 0,

        /// <summary>A flush is in flight; later writes queue behind it (Node's <c>state.writing</c>).</summary>
        Flushing = 1,

        /// <summary><c>end()</c> was called (Node's <c>state.ending</c>).</summary>
        Ending = 2,

        /// <summary>FIN is on its way (Node's <c>state.finalCalled</c>).</summary>
        Finishing = 4,

        /// <summary><c>"finish"</c> was emitted.</summary>
        Finished = 8,

        /// <summary>A write returned false; <c>"drain"</c> is owed (Node's <c>state.needDrain</c>).</summary>
        NeedDrain = 16,

        /// <summary>The peer ended and the socket ended itself: writes fail with EPIPE (Node's writeAfterFIN).</summary>
        EndedByPeer = 32,
    }

    /// <summary>Bytes written and not yet handed to the transport's kernel side (Node's <c>writableLength</c>).</summary>
    public long Length { get; private set; }

    /// <summary>Bytes written so far, queued ones included (Node's <c>bytesWritten</c>).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Bytes of the flush in flight.</summary>
    public long FlushBytes { get; private set; }

    public readonly bool Flushing => Has(Flags.Flushing);

    public readonly bool Ending => Has(Flags.Ending);

    public readonly bool Finishing => Has(Flags.Finishing);

    public readonly bool Finished => Has(Flags.Finished);

    public readonly bool NeedDrain => Has(Flags.NeedDrain);

    public readonly bool EndedByPeer => Has(Flags.EndedByPeer);

    public readonly bool Corked => _corked > 0;

    /// <summary>Node's writeOrBuffer: counts the chunk and decides the return value before it is sent.</summary>
    /// <returns>False once the unsent bytes reach the high-water mark (then <c>"drain"</c> is owed).</returns>
    public bool Accept(long length, int highWaterMark)
    {
        Length += length;
        BytesWritten += length;
        var ok = Length < highWaterMark;
        if (!ok)
        {
            _flags |= Flags.NeedDrain;
        }
        return ok;
    }

    /// <summary>A buffered write that will never be sent stops counting (Node's bytesWritten sums the buffer).</summary>
    public void Forget(long length)
    {
        Length -= length;
        BytesWritten -= length;
    }

    public void Cork() => _corked++;

    /// <summary>Releases one cork.</summary>
    /// <returns>True when the last cork went and what is queued may go out.</returns>
    public bool Uncork() => _corked > 0 && --_corked == 0;

    /// <summary>Adds bytes to the flush being assembled.</summary>
    public void AddToFlush(long length) => FlushBytes += length;

    public void BeginFlush() => _flags |= Flags.Flushing;

    /// <summary>The flush is done: its bytes have left, whether it succeeded or not.</summary>
    public void EndFlush()
    {
        _flags &= ~Flags.Flushing;
        Length -= FlushBytes;
        FlushBytes = 0;
    }

    /// <summary>Node's <c>end()</c>: uncorks for good.</summary>
    /// <returns>False when the stream was already ending.</returns>
    public bool BeginEnd()
    {
        if (Has(Flags.Ending))
        {
            return false;
        }
        _flags |= Flags.Ending;
        _corked = 0;
        return true;
    }

    /// <summary>The peer ended and the socket ends itself (allowHalfOpen false).</summary>
    public void MarkEndedByPeer() => _flags |= Flags.EndedByPeer;

    /// <summary>Node's prefinish: ending, nothing queued or in flight, FIN not yet sent.</summary>
    public readonly bool ReadyToFinish(bool queueEmpty) => Has(Flags.Ending) && !Has(Flags.Finishing) && !Has(Flags.Flushing) && queueEmpty;

    public void BeginFinish() => _flags |= Flags.Finishing;

    public void Finish() => _flags |= Flags.Finished;

    /// <summary>Node's afterWrite: <c>"drain"</c> is emitted once everything owed has left.</summary>
    /// <returns>True exactly once per owed drain.</returns>
    public bool TryTakeDrain()
    {
        if (!Has(Flags.NeedDrain) || Length != 0)
        {
            return false;
        }
        _flags &= ~Flags.NeedDrain;
        return true;
    }

    private readonly bool Has(Flags flags) => (_flags & flags) == flags;
}
