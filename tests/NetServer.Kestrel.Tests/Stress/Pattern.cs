namespace NetServer.Kestrel.Tests.Stress;

/// <summary>
/// A byte stream whose every byte is a function of its position (and a per-stream seed), so a
/// receiver can verify each byte in place: a lost, duplicated or reordered chunk shows as a mismatch.
/// </summary>
public static class Pattern
{
    /// <summary>The byte at absolute offset <paramref name="position"/> of stream <paramref name="seed"/>.</summary>
    public static byte At(long seed, long position)
    {
        var p = position + (seed * 0x9E3779B1L);
        // The high terms change per 256 B and per 64 KiB block, so a chunk moved elsewhere never matches.
        return unchecked((byte)(p + ((p >> 8) * 7) + ((p >> 16) * 31) + ((p >> 24) * 131)));
    }

    public static void Fill(Span<byte> destination, long seed, long offset)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = At(seed, offset + i);
        }
    }

    public static byte[] Create(long seed, long offset, int length)
    {
        var bytes = new byte[length];
        Fill(bytes, seed, offset);
        return bytes;
    }

    /// <summary>The index of the first byte that differs from the pattern, or -1.</summary>
    public static int FirstMismatch(ReadOnlySpan<byte> received, long seed, long offset)
    {
        for (var i = 0; i < received.Length; i++)
        {
            if (received[i] != At(seed, offset + i))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Fails the test at the first byte that differs from the pattern.</summary>
    public static void Verify(ReadOnlySpan<byte> received, long seed, long offset)
    {
        var bad = FirstMismatch(received, seed, offset);
        if (bad >= 0)
        {
            Assert.Fail($"stream {seed}: byte {offset + bad} is {received[bad]}, expected {At(seed, offset + bad)}");
        }
    }
}
