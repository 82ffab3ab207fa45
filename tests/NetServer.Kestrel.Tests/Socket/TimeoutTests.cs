using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class TimeoutTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    /// <summary>Completes after <paramref name="ms"/> on the loop's own clock (a loop timer, not a sleep).</summary>
    private Task LoopDelay(int ms)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _t.Loop.SetTimeout(() => tcs.SetResult(), ms);
        return tcs.Task.WithTimeout();
    }

    [Fact]
    public async Task Timeout_fires_once_per_idle_period_does_not_close_and_activity_rearms_it()
    {
        var timeouts = 0;
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var initial = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cbCalls = 0;
        await using var h = await Harness.StartAsync(_t, s =>
        {
            initial.SetResult(s.Timeout);
            s.On("timeout", () =>
            {
                timeouts++;
                fired.TrySetResult();
            });
            var returned = s.SetTimeout(60, () => cbCalls++);
            Assert.Same(s, returned);
            s.On<byte[]>("data", _ => { });
        });
        await using var client = await h.ConnectAsync();
        var socket = await h.NextSocketAsync();
        Assert.Null(await initial.Task.WithTimeout());
        Assert.Equal(60, await _t.Run(() => socket.Timeout));

        await fired.Task.WithTimeout();
        await LoopDelay(300);
        var (count, state, destroyed, cb) = await _t.Run(() => (timeouts, socket.ReadyState, socket.Destroyed, cbCalls));
        Assert.Equal(1, count);
        Assert.Equal("open", state);
        Assert.False(destroyed);
        Assert.Equal(1, cb);

        // Activity re-arms: one more timeout after the next idle period.
        fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.SendAsync("ping");
        await fired.Task.WithTimeout();
        Assert.Equal(2, await _t.Run(() => timeouts));
        Assert.Equal(1, await _t.Run(() => cbCalls));

        // SetTimeout(0) disables.
        await _t.Run(() => socket.SetTimeout(0));
        Assert.Equal(0, await _t.Run(() => socket.Timeout));
        await client.SendAsync("pong");
        await LoopDelay(300);
        Assert.Equal(2, await _t.Run(() => timeouts));
    }

    [Fact]
    public async Task Writes_rearm_the_timeout_too()
    {
        var trace = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            var start = _t.Loop;
            s.SetTimeout(150);
            s.On("timeout", () =>
            {
                trace.Add("timeout");
                done.TrySetResult();
            });
            // Keep writing every 50 ms for 400 ms: no timeout while active.
            var writes = 0;
            void Tick()
            {
                if (++writes <= 8)
                {
                    s.Write("w");
                    trace.Add("write");
                    start.SetTimeout(Tick, 50);
                }
            }
            Tick();
        });
        await using var client = await h.ConnectAsync();
        await done.Task.WithTimeout();
        var events = await _t.Run(() => trace.ToList());
        Assert.Equal(Enumerable.Repeat("write", 8).Append("timeout"), events);
    }

    [Fact]
    public async Task Negative_timeout_throws_ERR_OUT_OF_RANGE()
    {
        var thrown = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            try
            {
                s.SetTimeout(-1);
                thrown.SetResult(null);
            }
            catch (Exception ex)
            {
                thrown.SetResult(ex);
            }
        });
        await using var client = await h.ConnectAsync();
        var ex = await thrown.Task.WithTimeout();
        Assert.IsAssignableFrom<ArgumentOutOfRangeException>(ex);
        Assert.Equal("ERR_OUT_OF_RANGE", ((INodeError)ex!).Code);
    }
}
