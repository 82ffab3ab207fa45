using System.Text;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class BufferingTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    /// <summary>Polls a loop-side condition (bounded by <see cref="TestLoop.Timeout"/>) for states that raise no event.</summary>
    private async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestLoop.Timeout;
        while (!await _t.Run(condition))
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Data_arriving_before_a_data_listener_is_buffered_and_end_waits_for_it()
    {
        Recorder? rec = null;
        await using var h = await Harness.StartAsync(_t, s => rec = Recorder.Attach(s, data: false));
        await using var client = await h.ConnectAsync();
        var socket = await h.NextSocketAsync();
        await client.SendAsync("early");
        client.ShutdownSend();

        await WaitUntilAsync(() => socket.ReadableLength == 5);
        await h.SettleAsync();
        // Nobody consumed the data: no "end", the socket is still open.
        Assert.Equal(["connection"], rec!.Events);
        Assert.Equal("open", await _t.Run(() => socket.ReadyState));

        var received = new StringBuilder();
        _t.Loop.SetImmediate(() => socket.On<byte[]>("data", d =>
        {
            received.Append(Encoding.UTF8.GetString(d));
            rec.Add("data");
        }));
        Assert.False(await rec.Closed);
        Assert.Equal("early", received.ToString());
        Assert.Equal(["connection", "data", "end:writeOnly", "finish:closed", "close:False"], rec.Events);
        Assert.Equal(0, socket.ReadableLength);
    }

    [Fact]
    public async Task PauseOnConnect_keeps_even_a_data_listener_silent_until_Resume()
    {
        Recorder? rec = null;
        var inConnection = new TaskCompletionSource<(bool Paused, bool? Flowing)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions { PauseOnConnect = true }, s =>
        {
            inConnection.SetResult((s.IsPaused(), s.ReadableFlowing));
            rec = Recorder.Attach(s);
        });
        await using var client = await h.ConnectAsync();
        var socket = await h.NextSocketAsync();
        var (paused, flowing) = await inConnection.Task.WithTimeout();
        Assert.True(paused);
        Assert.False(flowing);

        await client.SendAsync("held");
        client.ShutdownSend();
        await h.SettleAsync();
        await h.SettleAsync();
        Assert.Equal(0, await _t.Run(() => socket.BytesRead));
        Assert.Equal(["connection"], rec!.Events);
        Assert.True(await _t.Run(socket.IsPaused));

        await _t.Run(() => socket.Resume());
        Assert.False(await rec.Closed);
        Assert.Equal(["connection", "data:held", "end:writeOnly", "finish:closed", "close:False"], rec.Events);
        Assert.Equal(4, socket.BytesRead);
    }

    [Fact]
    public async Task Pause_stops_data_events_and_Resume_delivers_what_was_buffered()
    {
        var chunks = new List<string>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => s.On<byte[]>("data", d =>
        {
            chunks.Add(Encoding.UTF8.GetString(d));
            if (chunks.Count == 1)
            {
                s.Pause();
                first.SetResult();
            }
            else
            {
                second.TrySetResult();
            }
        }));
        await using var client = await h.ConnectAsync();
        var socket = await h.NextSocketAsync();
        await client.SendAsync("a");
        await first.Task.WithTimeout();
        Assert.True(await _t.Run(socket.IsPaused));
        Assert.False(await _t.Run(() => socket.ReadableFlowing));

        await client.SendAsync("b");
        await WaitUntilAsync(() => socket.ReadableLength == 1);
        await h.SettleAsync();
        Assert.Equal(["a"], await _t.Run(() => chunks.ToList()));

        await _t.Run(() => socket.Resume());
        await second.Task.WithTimeout();
        Assert.Equal(["a", "b"], await _t.Run(() => chunks.ToList()));
        Assert.False(await _t.Run(socket.IsPaused));
        Assert.True(await _t.Run(() => socket.ReadableFlowing));
    }
}
