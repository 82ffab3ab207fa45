namespace NetServer.Streams;

/// <summary>
/// The readable side's state, as Node keeps it in <c>ReadableState</c> (lib/internal/streams):
/// flowing or paused, the end of input and the <c>"end"</c> event, and the byte counts that drive
/// backpressure. Every change is a named transition; the socket holds its lock around them.
/// </summary>
/// <remarks>
/// Storage (the buffered chunks and the inbox from the transport) stays with the socket; this
/// struct only says what may happen next, so the rules can be read in one place.
/// </remarks>
internal struct ReadableState
{
    private Flags _flags;

    [Flags]
    private enum Flags : byte
    {
        None = 0,

        /// <summary>A consumer has chosen a mode: <c>readableFlowing</c> is no longer null.</summary>
        FlowingKnown = 1,

        /// <summary><c>readableFlowing</c> is true (meaningful only with <see cref="FlowingKnown"/>).</summary>
        Flowing = 2,

        /// <summary><c>pauseOnConnect</c>: nothing is read from the kernel until the first resume.</summary>
        ReadingHeld = 4,

        /// <summary>The transport reported the peer's FIN (Node's <c>state.ended</c>).</summary>
        EofReceived = 8,

        /// <summary><c>"end"</c> was emitted (Node's <c>state.endEmitted</c>).</summary>
        EndEmitted = 16,
    }

    /// <summary>Bytes buffered on the loop and not yet delivered (Node's <c>readableLength</c>).</summary>
    public long BufferedBytes { get; private set; }

    /// <summary>Bytes read from the transport and on their way to the loop.</summary>
    public long InFlightBytes { get; private set; }

    /// <summary>Bytes delivered so far (Node's <c>bytesRead</c>).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Node's <c>readableFlowing</c>: null until a consumer attaches.</summary>
    public readonly bool? Flowing => Has(Flags.FlowingKnown) ? Has(Flags.Flowing) : null;

    /// <summary>True while flowing: chunks go straight to <c>"data"</c>.</summary>
    public readonly bool IsFlowing => Has(Flags.FlowingKnown | Flags.Flowing);

    /// <summary>Node's <c>isPaused()</c>: a consumer paused the stream.</summary>
    public readonly bool IsPaused => Has(Flags.FlowingKnown) && !Has(Flags.Flowing);

    public readonly bool EofReceived => Has(Flags.EofReceived);

    public readonly bool EndEmitted => Has(Flags.EndEmitted);

    /// <summary>Paused by <c>pauseOnConnect</c>: the socket is paused and does not read until resumed.</summary>
    public void HoldUntilResumed() => _flags = (_flags & ~Flags.Flowing) | Flags.FlowingKnown | Flags.ReadingHeld;

    /// <summary>A closed client socket connects again: the input starts over, the chosen mode stays (Node's _undestroy).</summary>
    public readonly ReadableState Reopened() => new() { _flags = _flags & (Flags.FlowingKnown | Flags.Flowing) };

    public void Pause() => _flags = (_flags & ~Flags.Flowing) | Flags.FlowingKnown;

    public void Resume() => _flags = (_flags & ~Flags.ReadingHeld) | Flags.FlowingKnown | Flags.Flowing;

    /// <summary>Node reads from the kernel only below the high-water mark, and not while held.</summary>
    public readonly bool MayRead(int highWaterMark) =>
        !Has(Flags.ReadingHeld) && BufferedBytes + InFlightBytes < Math.Max(1, highWaterMark);

    /// <summary>A chunk left the transport for the loop.</summary>
    public void Sent(int length) => InFlightBytes += length;

    /// <summary>A chunk reached the loop: it counts as read.</summary>
    public void Arrived(int length)
    {
        InFlightBytes -= length;
        BytesRead += length;
    }

    /// <summary>A chunk reached a destroyed socket: it is dropped, never counted.</summary>
    public void Dropped(int length) => InFlightBytes -= length;

    /// <summary>The inbox was discarded (a read error destroys the socket).</summary>
    public void DropInFlight() => InFlightBytes = 0;

    /// <summary>A zero-copy handler saw the bytes in place: read, never buffered.</summary>
    public void ReadInPlace(long length) => BytesRead += length;

    public void Buffer(int length) => BufferedBytes += length;

    public void Unbuffer(int length) => BufferedBytes -= length;

    public void ReceiveEof() => _flags |= Flags.EofReceived;

    /// <summary>Node's endReadable: <c>"end"</c> is due once the FIN arrived, the buffer is empty and nobody paused.</summary>
    /// <returns>True exactly once, when <c>"end"</c> should be emitted now.</returns>
    public bool TryBeginEnd(bool bufferEmpty)
    {
        if (!Has(Flags.EofReceived) || !bufferEmpty || Has(Flags.EndEmitted) || IsPaused)
        {
            return false;
        }
        _flags |= Flags.EndEmitted;
        return true;
    }

    private readonly bool Has(Flags flags) => (_flags & flags) == flags;
}
