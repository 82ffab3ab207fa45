using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.SocketBehaviour;

namespace NetServer.Kestrel.Tests.Transport;

/// <summary>The transport's 64 KiB memory pool: libuv-sized reads, bounded memory, nothing allocated per rent.</summary>
public sealed class ReadSizedMemoryPoolTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_32_KiB_send_arrives_as_one_data_chunk_as_in_one_libuv_read()
    {
        const int Size = 32 * 1024;
        var chunks = new List<int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        await using var h = await Harness.StartAsync(_t, s => s.On<byte[]>("data", d =>
        {
            chunks.Add(d.Length);
            received += d.Length;
            if (received >= Size)
            {
                all.TrySetResult();
            }
        }));
        await using var client = await h.ConnectAsync();
        // One send of less than the loopback MSS is one segment: it is in the server's receive
        // queue whole before the transport is woken, as it would be for Node's read.
        await client.SendAsync(new byte[Size]);
        await all.Task.WithTimeout();

        Assert.True(TransportFactory.UsesReadSizedPool, "Kestrel's SocketConnectionFactoryOptions no longer takes our memory pool");
        var seen = await _t.Run(() => chunks.ToArray());
        Assert.Equal(new[] { Size }, seen);
    }

    [Fact]
    public void Rents_are_64_KiB_blocks_reused_without_allocation_until_the_cap_then_shared_arrays()
    {
        var pool = new ReadSizedMemoryPool();
        var first = pool.Rent(2048);
        Assert.Equal(ReadSizedMemoryPool.BlockSize, first.Memory.Length);
        first.Dispose();
        Assert.Same(first, pool.Rent(2048));

        var rented = new List<System.Buffers.IMemoryOwner<byte>> { first };
        for (var i = 1; i < ReadSizedMemoryPool.MaxLargeBlocks; i++)
        {
            rented.Add(pool.Rent(4096));
        }
        Assert.Equal(ReadSizedMemoryPool.MaxLargeBlocks, pool.Created);
        Assert.All(rented, r => Assert.Equal(ReadSizedMemoryPool.BlockSize, r.Memory.Length));

        // Past the cap the pool lends ordinary arrays instead of growing.
        using (var overflow = pool.Rent(4096))
        {
            Assert.InRange(overflow.Memory.Length, 4096, ReadSizedMemoryPool.BlockSize - 1);
            Assert.Equal(ReadSizedMemoryPool.MaxLargeBlocks, pool.Created);
        }

        rented[5].Dispose();
        Assert.Same(rented[5], pool.Rent(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(ReadSizedMemoryPool.BlockSize + 1));
    }
}
