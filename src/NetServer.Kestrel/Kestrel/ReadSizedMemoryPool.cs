using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace NetServer.Kestrel;

/// <summary>
/// The memory pool behind every pipe of our transport: 64 KiB blocks, libuv's read size, so one
/// receive takes what one Node read takes. Kestrel's socket transport receives into whatever block
/// its pipe rents; with the 4 KiB blocks of its default pools a 16 KiB message costs four receive
/// calls, four <c>"data"</c> chunks and four sends, where Node makes one read and one write.
/// </summary>
/// <remarks>
/// <para>
/// Memory is bounded: at most <see cref="MaxLargeBlocks"/> blocks (8 MiB of address space) ever
/// exist; once they are all rented, for example by many paused sockets each holding a few unread
/// bytes, rents fall back to <see cref="MemoryPool{T}.Shared"/> (4 KiB arrays, what the transport
/// used before), so memory per held byte never grows beyond today's. Blocks are uninitialised: a
/// 64 B echo makes only the block's first page resident. An idle connection holds no block at all
/// (the transport waits for data before it rents one).
/// </para>
/// <para>
/// Renting and returning a block allocates nothing: the block object itself is pooled.
/// </para>
/// </remarks>
internal sealed class ReadSizedMemoryPool : MemoryPool<byte>
{
    /// <summary>libuv's read buffer size (<c>uv_buf_init(…, 64 * 1024)</c>), the largest chunk Node reads at once.</summary>
    internal const int BlockSize = 64 * 1024;

    /// <summary>The most 64 KiB blocks that may exist at once: 8 MiB, enough for every busy connection on one loop.</summary>
    internal const int MaxLargeBlocks = 128;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _created;

    /// <inheritdoc />
    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks created so far (never more than <see cref="MaxLargeBlocks"/>).</summary>
    internal int Created => Volatile.Read(ref _created);

    /// <inheritdoc />
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out var block))
        {
            return block;
        }
        if (Interlocked.Increment(ref _created) <= MaxLargeBlocks)
        {
            // Pinned because every receive and send pins it; uninitialised because the transport
            // writes before anything reads.
            return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
        }
        Interlocked.Decrement(ref _created);
        return Shared.Rent(minBufferSize);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // Process-wide and never disposed: the transport's pipes return blocks until the process ends.
    }

    private sealed class Block(ReadSizedMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = array;

        public void Dispose() => pool._free.Enqueue(this);
    }

    /// <summary>Hands the one process-wide pool to the transport (Kestrel asks its factory once per IO queue).</summary>
    internal sealed class Factory(ReadSizedMemoryPool pool) : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => pool;
    }
}
