using System.Buffers;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

/// <summary>The beyond-Node zero-copy path: <c>OnRead</c> with the transport's buffers and <c>Write(ReadOnlySequence)</c>.</summary>
public sealed class ZeroCopyTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task OnRead_echo_returns_every_byte_in_order()
    {
        const int Total = 4 * 1024 * 1024;
        var handlerOnLoop = true;
        await using var h = await Harness.StartAsync(_t, s => s.OnRead((socket, data) =>
        {
            handlerOnLoop &= _t.Loop.IsOnLoopThread;
            socket.Write(data);
        }));
        await using var client = await h.ConnectAsync();
        var payload = new byte[Total];
        new Random(42).NextBytes(payload);

        var send = client.SendAsync(payload);
        var echoed = await client.ReadExactlyAsync(Total);
        await send;

        Assert.Equal(payload, echoed);
        Assert.True(handlerOnLoop);
    }

    [Fact]
    public async Task OnRead_replaces_data_events_and_counts_bytes_read()
    {
        var dataEvents = 0;
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            s.On<byte[]>("data", _ => dataEvents++);
            s.OnRead((_, data) => seen.TrySetResult(System.Text.Encoding.UTF8.GetString(data.ToArray())));
        });
        await using var client = await h.ConnectAsync();
        await client.SendAsync("hello");
        var socket = await h.NextSocketAsync();

        Assert.Equal("hello", await seen.Task.WithTimeout());
        Assert.Equal((0, 5L), await _t.Run(() => (dataEvents, socket.BytesRead)));
    }

    [Fact]
    public async Task A_paused_socket_holds_the_buffer_until_resume()
    {
        var reads = new List<string>();
        var gotFirst = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gotSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => s.OnRead((socket, data) =>
        {
            reads.Add(System.Text.Encoding.UTF8.GetString(data.ToArray()));
            if (reads.Count == 1)
            {
                socket.Pause();
                gotFirst.TrySetResult(socket);
            }
            else
            {
                gotSecond.TrySetResult();
            }
        }));
        await using var client = await h.ConnectAsync();
        await client.SendAsync("one");
        var socket = await gotFirst.Task.WithTimeout();
        await client.SendAsync("two");
        await h.SettleAsync();
        Assert.Equal(["one"], await _t.Run(() => reads.ToArray()));

        await _t.Run(() => socket.Resume());
        await gotSecond.Task.WithTimeout();
        Assert.Equal(["one", "two"], await _t.Run(() => reads.ToArray()));
    }

    [Fact]
    public async Task Destroying_a_paused_socket_lets_go_of_its_buffer_and_closes()
    {
        var paused = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => s.OnRead((socket, _) =>
        {
            socket.Pause();
            paused.TrySetResult(socket);
        }));
        await using var client = await h.ConnectAsync();
        await client.SendAsync("x");
        var socket = await paused.Task.WithTimeout();
        await client.SendAsync("held");
        var closed = Await.Next<bool>(socket, "close");

        await _t.Run(() => socket.Destroy());

        Assert.False(await closed);
        Assert.Empty(await client.ReadAllBytesAsync());
        Assert.Equal(0, await h.Server.GetConnectionsAsync().WithTimeout());
    }

    [Fact]
    public async Task OnRead_after_reading_started_throws_ERR_INVALID_STATE()
    {
        await using var h = await Harness.StartAsync(_t);
        await using var client = await h.ConnectAsync();
        var socket = await h.NextSocketAsync();

        var error = await _t.Run(() => Record.Exception(() => socket.OnRead((_, _) => { })));

        Assert.Equal("ERR_INVALID_STATE", Assert.IsAssignableFrom<INodeError>(error).Code);
    }

    [Fact]
    public async Task Write_of_a_sequence_queued_behind_a_flush_keeps_its_own_copy()
    {
        // Written while corked, the sequence must be copied: the caller reuses its buffer at once.
        var buffer = "first"u8.ToArray();
        await using var h = await Harness.StartAsync(_t, s =>
        {
            s.Cork();
            s.Write(new ReadOnlySequence<byte>(buffer));
            "secon"u8.CopyTo(buffer);
            s.Write(new ReadOnlySequence<byte>(buffer));
            s.Uncork();
            s.End();
        });
        await using var client = await h.ConnectAsync();

        Assert.Equal("firstsecon", await client.ReadToEndAsync());
    }
}
