using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class WriteTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Write_returns_false_at_the_high_water_mark_then_drain_follows_once_the_peer_reads()
    {
        const int Chunk = 64 * 1024;
        const long Total = 32L * 1024 * 1024; // far more than loopback's kernel buffers can absorb
        var result = new TaskCompletionSource<(long Total, bool SawFalse, bool NeedDrain, long Length)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstCallback = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions { HighWaterMark = 1024 }, s =>
        {
            s.On("drain", () => drained.TrySetResult());
            var data = new byte[Chunk];
            long total = 0;
            var sawFalse = false;
            // The client is not reading. Writes after a false return are still queued (Node).
            while (total < Total)
            {
                var ok = total == 0 ? s.Write(data, e => firstCallback.TrySetResult(e)) : s.Write(data);
                sawFalse |= !ok;
                total += Chunk;
            }
            result.SetResult((total, sawFalse, s.WritableNeedDrain, s.WritableLength));
        });
        await using var client = await h.ConnectAsync();
        var (total, sawFalse, needDrain, length) = await result.Task.WithTimeout();
        Assert.True(sawFalse);
        Assert.True(needDrain);
        Assert.True(length >= 1024);
        await h.SettleAsync();
        Assert.False(drained.Task.IsCompleted);

        var received = await client.ReadExactlyAsync((int)total);
        Assert.Equal(total, received.Length);
        await drained.Task.WithTimeout();
        Assert.Null(await firstCallback.Task.WithTimeout());
        var socket = await h.NextSocketAsync();
        Assert.Equal((0L, false), await _t.Run(() => (socket.WritableLength, socket.WritableNeedDrain)));
    }

    [Fact]
    public async Task Write_callback_is_called_with_null()
    {
        var cb = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => s.Write("hi", e => cb.SetResult(e)));
        await using var client = await h.ConnectAsync();
        Assert.Null(await cb.Task.WithTimeout());
        Assert.Equal("hi", await client.ReadStringAsync(2));
    }

    [Fact]
    public async Task Corked_writes_reach_the_mark_and_uncork_gives_exactly_one_drain()
    {
        var drains = 0;
        var firstDrain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = new TaskCompletionSource<(bool W1, bool W2, long Length, bool NeedDrain)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions { HighWaterMark = 1024 }, s =>
        {
            s.On("drain", () =>
            {
                drains++;
                firstDrain.TrySetResult();
            });
            s.Cork();
            var w1 = s.Write(new byte[1000]);
            var w2 = s.Write(new byte[100]);
            state.SetResult((w1, w2, s.WritableLength, s.WritableNeedDrain));
            s.Uncork();
        });
        await using var client = await h.ConnectAsync();
        var (w1, w2, length, needDrain) = await state.Task.WithTimeout();
        Assert.True(w1);
        Assert.False(w2);
        Assert.Equal(1100, length);
        Assert.True(needDrain);
        Assert.Equal(1100, (await client.ReadExactlyAsync(1100)).Length);
        await firstDrain.Task.WithTimeout();
        await h.SettleAsync();
        Assert.Equal(1, await _t.Run(() => drains));
    }

    [Fact]
    public async Task Corked_writes_are_not_sent_until_uncork()
    {
        var socketReady = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            s.Cork();
            s.Write("a");
            s.Write("b");
            socketReady.SetResult(s);
        });
        await using var client = await h.ConnectAsync();
        var socket = await socketReady.Task.WithTimeout();
        await h.SettleAsync();
        Assert.Equal(2, await _t.Run(() => socket.WritableLength));
        Assert.Equal(0, client.Socket.Available);
        await _t.Run(() => socket.Uncork());
        Assert.Equal("ab", await client.ReadStringAsync(2));
    }

    [Fact]
    public async Task Write_after_End_fails_with_ERR_STREAM_WRITE_AFTER_END_then_error_then_close_true()
    {
        await using var w = await RefusedWrite.StartAsync(_t, s => s.End());

        Assert.False(await w.Returned.Task.WithTimeout());
        Assert.True(await w.Rec!.Closed);
        Assert.Equal(["connection", "cb:ERR_STREAM_WRITE_AFTER_END", "error:ERR_STREAM_WRITE_AFTER_END", "close:True"], w.Rec.Events);
        Assert.Equal("write after end", w.CbError!.Message);
        Assert.Same(w.CbError, w.Rec.Error);
        Assert.IsNotAssignableFrom<ArgumentException>(w.CbError);
    }

    [Fact]
    public async Task Write_after_Destroy_fails_with_ERR_STREAM_DESTROYED_without_error_event()
    {
        await using var w = await RefusedWrite.StartAsync(_t, s => s.Destroy());

        Assert.False(await w.Returned.Task.WithTimeout());
        Assert.False(await w.Rec!.Closed);
        await w.Harness.SettleAsync();
        Assert.Equal(["connection", "cb:ERR_STREAM_DESTROYED", "close:False"], w.Rec.Events);
        Assert.Equal("Cannot call write after a stream was destroyed", w.CbError!.Message);
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Write_after_the_peers_FIN_fails_with_EPIPE_then_error_then_close_true()
    {
        Recorder? rec = null;
        var returned = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? cbError = null;
        await using var h = await Harness.StartAsync(_t, s =>
        {
            rec = Recorder.Attach(s);
            s.On("finish", () => returned.SetResult(s.Write("too late", e =>
            {
                cbError = e;
                rec.Add("cb:" + ((INodeError)e!).Code);
            })));
        });
        await using var client = await h.ConnectAsync();
        await h.NextSocketAsync(); // the connection listener (which sets rec) has run
        await client.SendAsync("hello");
        client.ShutdownSend();
        Assert.False(await returned.Task.WithTimeout());
        Assert.True(await rec!.Closed);
        Assert.Equal(["connection", "data:hello", "end:writeOnly", "finish:closed", "cb:EPIPE", "error:EPIPE", "close:True"], rec.Events);
        Assert.Equal("This socket has been ended by the other party", cbError!.Message);
        Assert.Same(cbError, rec.Error);
        Assert.Equal("", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Destroy_with_an_error_emits_that_error_then_close_true()
    {
        Recorder? rec = null;
        var error = new InvalidOperationException("mine");
        await using var h = await Harness.StartAsync(_t, s =>
        {
            rec = Recorder.Attach(s);
            s.Destroy(error);
            s.Destroy(new InvalidOperationException("second destroy is a no-op"));
        });
        await using var client = await h.ConnectAsync();
        await h.NextSocketAsync(); // the connection listener (which sets rec) has run
        Assert.True(await rec!.Closed);
        Assert.Equal(["connection", "error:mine", "close:True"], rec.Events);
        Assert.Same(error, rec.Error);
    }

    /// <summary>A connection whose listener runs <c>before</c>, then writes "x" and records the refusal.</summary>
    private sealed class RefusedWrite : IAsyncDisposable
    {
        public required Harness Harness { get; init; }

        public required Client Client { get; init; }

        public required TaskCompletionSource<bool> Returned { get; init; }

        public required Func<Recorder?> GetRec { get; init; }

        public required Func<Exception?> GetCbError { get; init; }

        public Recorder? Rec => GetRec();

        public Exception? CbError => GetCbError();

        public static async Task<RefusedWrite> StartAsync(TestLoop t, Action<Socket> before)
        {
            Recorder? rec = null;
            Exception? cbError = null;
            var returned = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var h = await Harness.StartAsync(t, s =>
            {
                rec = Recorder.Attach(s);
                before(s);
                returned.SetResult(s.Write("x", e =>
                {
                    cbError = e;
                    rec.Add("cb:" + ((INodeError)e!).Code);
                }));
            });
            var client = await h.ConnectAsync();
            await h.NextSocketAsync(); // the connection listener (which sets rec) has run
            return new RefusedWrite { Harness = h, Client = client, Returned = returned, GetRec = () => rec, GetCbError = () => cbError };
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Harness.DisposeAsync();
        }
    }
}
