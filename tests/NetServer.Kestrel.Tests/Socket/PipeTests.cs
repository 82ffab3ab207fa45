using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class PipeTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    private static byte[] RandomBytes(int n)
    {
        var data = new byte[n];
        new Random(n).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task Pipe_to_itself_echoes_one_MiB_intact()
    {
        var returned = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => returned.SetResult(ReferenceEquals(s.Pipe(s), s)));
        await using var client = await h.ConnectAsync();
        Assert.True(await returned.Task.WithTimeout());
        var data = RandomBytes(1024 * 1024);
        var reading = client.ReadExactlyAsync(data.Length);
        await client.SendAsync(data);
        var echoed = await reading;
        Assert.Equal(data, echoed);
        client.ShutdownSend();
        Assert.Empty(await client.ReadAllBytesAsync());
    }

    [Fact]
    public async Task Pipe_pauses_the_source_while_the_destination_is_full()
    {
        const int Total = 16 * 1024 * 1024;
        var sockets = new List<Socket>();
        var pausedSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long maxDestinationBuffered = 0;
        await using var h = await Harness.StartAsync(_t, new ServerOptions { HighWaterMark = 1024 }, s =>
        {
            sockets.Add(s);
            if (sockets.Count == 2)
            {
                var destination = sockets[0];
                s.Pipe(destination);
                s.On<byte[]>("data", _ =>
                {
                    maxDestinationBuffered = Math.Max(maxDestinationBuffered, destination.WritableLength);
                    if (s.IsPaused())
                    {
                        pausedSeen.TrySetResult();
                    }
                });
            }
        });
        await using var sink = await h.ConnectAsync();      // the destination's peer: not reading yet
        await h.NextSocketAsync();
        await using var source = await h.ConnectAsync();
        await h.NextSocketAsync();

        var data = RandomBytes(Total);
        var sending = Task.Run(async () =>
        {
            await source.SendAsync(data);
            source.ShutdownSend();
        });
        await pausedSeen.Task.WithTimeout();
        // Bounded: the destination never held more than the mark plus one 64 KiB read chunk (Node: libuv reads).
        var early = await _t.Run(() => maxDestinationBuffered);
        Assert.True(early < 256 * 1024, $"destination buffered {early} bytes");

        var received = await sink.ReadAllBytesAsync();
        await sending.WithTimeout();
        Assert.Equal(Total, received.Length);
        Assert.True(data.AsSpan().SequenceEqual(received));
        var max = await _t.Run(() => maxDestinationBuffered);
        Assert.True(max < 256 * 1024, $"destination buffered {max} bytes");
    }
}
