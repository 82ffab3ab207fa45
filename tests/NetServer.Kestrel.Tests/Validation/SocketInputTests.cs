using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.SocketBehaviour;

namespace NetServer.Kestrel.Tests.Validation;

/// <summary>
/// Accepted-socket members with the inputs Node 24 rejects (or quietly accepts), checked against
/// Node's class, code, message, and whether it throws or reports through callbacks and events.
/// </summary>
public sealed class SocketInputTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    /// <summary>Runs <paramref name="act"/> inside the connection listener and returns what it threw.</summary>
    private async Task<Exception?> ThrownInConnection(Action<Socket> act)
    {
        var thrown = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => thrown.SetResult(Record.Exception(() => act(s))));
        await using var client = await h.ConnectAsync();
        return await thrown.Task.WithTimeout();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public async Task Negative_SetTimeout_throws_ERR_OUT_OF_RANGE_and_keeps_the_old_timeout(int ms)
    {
        int? after = 0;
        var ex = await ThrownInConnection(s =>
        {
            try
            {
                s.SetTimeout(ms);
            }
            finally
            {
                after = s.Timeout;
            }
        });
        var range = Assert.IsType<NodeRangeError>(ex);
        Assert.Equal("ERR_OUT_OF_RANGE", range.Code);
        Assert.Equal($"The value of \"msecs\" is out of range. It must be a non-negative finite number. Received {ms}", range.Message);
        Assert.Null(after);
    }

    [Fact]
    public async Task Null_chunks_throw_ERR_STREAM_NULL_VALUES_on_every_write_and_end_form()
    {
        var errors = new TaskCompletionSource<Exception?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => errors.SetResult(
        [
            Record.Exception(() => s.Write((byte[])null!)),
            Record.Exception(() => s.Write((string)null!)),
            Record.Exception(() => s.Write(null!, "hex")),
            Record.Exception(() => s.End((byte[])null!)),
            Record.Exception(() => s.End((string)null!)),
            Record.Exception(() => s.End(null!, "utf8")),
        ]));
        await using var client = await h.ConnectAsync();
        foreach (var ex in await errors.Task.WithTimeout())
        {
            var e = Assert.IsType<NodeTypeError>(ex);
            Assert.Equal("ERR_STREAM_NULL_VALUES", e.Code);
            Assert.Equal("May not write null values to stream", e.Message);
        }
        var socket = await h.NextSocketAsync();
        Assert.Equal((0L, "open"), await _t.Run(() => (socket.BytesWritten, socket.ReadyState)));
    }

    [Fact]
    public async Task Unknown_encoding_throws_before_anything_is_queued()
    {
        var state = new TaskCompletionSource<(Exception? Set, Exception? Write, Exception? End, long Written, string ReadyState)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => state.SetResult((
            Record.Exception(() => s.SetEncoding("utf9")),
            Record.Exception(() => s.Write("x", "utf9")),
            Record.Exception(() => s.End("x", "utf9")),
            s.BytesWritten,
            s.ReadyState)));
        await using var client = await h.ConnectAsync();
        var (set, write, end, written, readyState) = await state.Task.WithTimeout();
        foreach (var ex in new[] { set, write, end })
        {
            var e = Assert.IsType<NodeTypeError>(ex);
            Assert.Equal("ERR_UNKNOWN_ENCODING", e.Code);
            Assert.Equal("Unknown encoding: utf9", e.Message);
        }
        Assert.Equal(0, written);
        Assert.Equal("open", readyState); // the throwing End did not end the socket
    }

    [Fact]
    public async Task The_empty_encoding_name_means_utf8_everywhere()
    {
        var data = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            s.SetEncoding("");
            s.On<object>("data", d => data.TrySetResult(d));
            s.Write("é", "");
            s.End("ü", "");
        });
        await using var client = await h.ConnectAsync();
        await client.SendAsync("ß");
        Assert.Equal("ß", Assert.IsType<string>(await data.Task.WithTimeout()));
        Assert.Equal("éü", Encoding.UTF8.GetString(await client.ReadAllBytesAsync()));
    }

    [Fact]
    public async Task End_with_data_after_End_emits_write_after_end_then_calls_back_then_closes_with_error()
    {
        Recorder r = null!;
        await using var h = await Harness.StartAsync(_t, s =>
        {
            r = Recorder.Attach(s, data: false);
            s.Loop.NextTick(() => r.Add("tick"));
            s.End();
            s.End("more", () => r.Add("end-cb"));
        });
        await using var client = await h.ConnectAsync();
        await h.NextSocketAsync();
        Assert.True(await r.Closed);
        Assert.Equal(["connection", "tick", "error:ERR_STREAM_WRITE_AFTER_END", "end-cb", "close:True"], r.Events);
        Assert.Equal("write after end", r.Error!.Message);
    }

    [Fact]
    public async Task End_with_data_after_Destroy_calls_back_without_error_event_and_closes_cleanly()
    {
        Recorder r = null!;
        await using var h = await Harness.StartAsync(_t, s =>
        {
            r = Recorder.Attach(s, data: false);
            s.Destroy();
            s.End("x", () => r.Add("end-cb"));
            s.End(() => r.Add("plain-end-cb (Node never calls it)"));
        });
        await using var client = await h.ConnectAsync();
        await h.NextSocketAsync();
        Assert.False(await r.Closed);
        await h.SettleAsync();
        Assert.Equal(["connection", "end-cb", "close:False"], r.Events);
        Assert.Null(r.Error);
    }

    [Fact]
    public async Task Members_called_after_Destroy_are_harmless_no_ops()
    {
        Recorder r = null!;
        Exception? thrown = null;
        await using var h = await Harness.StartAsync(_t, s =>
        {
            r = Recorder.Attach(s, data: false);
            s.Destroy();
            thrown = Record.Exception(() =>
            {
                s.SetTimeout(1);
                s.Pause();
                s.Resume();
                s.SetEncoding("utf8");
                s.SetNoDelay(true);
                s.SetKeepAlive(true, 1000);
                s.Cork();
                s.Uncork();
                s.Destroy(new InvalidOperationException("second destroy is ignored"));
                s.ResetAndDestroy();
            });
        });
        await using var client = await h.ConnectAsync();
        await h.NextSocketAsync();
        Assert.False(await r.Closed);
        // The 1 ms idle timer must not fire on a destroyed socket: wait well past it on the loop's clock.
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _t.Loop.SetTimeout(() => later.SetResult(), 50);
        await later.Task.WithTimeout();
        Assert.Null(thrown);
        Assert.Equal(["connection", "close:False"], r.Events);
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Negative_keep_alive_delays_are_taken_as_zero()
    {
        var thrown = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions { KeepAlive = true, KeepAliveInitialDelay = -5 }, s =>
            thrown.SetResult(Record.Exception(() => s.SetKeepAlive(true, int.MinValue))));
        await using var client = await h.ConnectAsync();
        Assert.Null(await thrown.Task.WithTimeout());
        var socket = await h.NextSocketAsync();
        var raw = socket.Connection!.Features.Get<IConnectionSocketFeature>()!.Socket;
        Assert.Equal(1, (int)raw.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
    }
}
