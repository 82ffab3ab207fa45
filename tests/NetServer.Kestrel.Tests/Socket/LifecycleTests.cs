using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class LifecycleTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Client_hello_then_half_close_gives_connection_data_end_finish_close()
    {
        Recorder? rec = null;
        await using var h = await Harness.StartAsync(_t, s => rec = Recorder.Attach(s));
        await using var client = await h.ConnectAsync();
        await client.SendAsync("hello");
        client.ShutdownSend();
        var socket = await h.NextSocketAsync();
        Assert.False(await rec!.Closed);
        Assert.Equal(["connection", "data:hello", "end:writeOnly", "finish:closed", "close:False"], rec.Events);
        Assert.Equal(5, socket.BytesRead);
        Assert.True(socket.Destroyed);
        Assert.Equal("closed", socket.ReadyState);
        // The automatic end() sent FIN: the client sees EOF.
        Assert.Equal("", await client.ReadToEndAsync());
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Connection_listener_runs_before_any_data_even_when_data_is_already_there()
    {
        var trace = new List<string>();
        var connectionSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            // Data listener first, then some work: no data may interleave with the connection listener.
            s.On<byte[]>("data", d => trace.Add("data"));
            s.On("close", () => closed.TrySetResult());
            trace.Add("connection-start");
            Thread.SpinWait(100_000);
            trace.Add("connection-end");
        });
        await using var client = await h.ConnectAsync();
        await client.SendAsync("abc");
        client.ShutdownSend();
        await closed.Task.WithTimeout();
        Assert.Equal(["connection-start", "connection-end"], trace.Take(2));
        Assert.Contains("data", trace);
    }

    [Fact]
    public async Task Properties_inside_connection_match_Node()
    {
        var snapshot = new TaskCompletionSource<Dictionary<string, object?>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s => snapshot.SetResult(new()
        {
            ["RemoteAddress"] = s.RemoteAddress,
            ["RemotePort"] = s.RemotePort,
            ["RemoteFamily"] = s.RemoteFamily,
            ["LocalAddress"] = s.LocalAddress,
            ["LocalPort"] = s.LocalPort,
            ["LocalFamily"] = s.LocalFamily,
            ["Address"] = s.Address()?.ToString(),
            ["ReadyState"] = s.ReadyState,
            ["Readable"] = s.Readable,
            ["Writable"] = s.Writable,
            ["Timeout"] = s.Timeout,
            ["AllowHalfOpen"] = s.AllowHalfOpen,
            ["ReadableHighWaterMark"] = s.ReadableHighWaterMark,
            ["WritableHighWaterMark"] = s.WritableHighWaterMark,
            ["BytesRead"] = s.BytesRead,
            ["BytesWritten"] = s.BytesWritten,
            ["Connecting"] = s.Connecting,
            ["Pending"] = s.Pending,
            ["Destroyed"] = s.Destroyed,
            ["IsPaused"] = s.IsPaused(),
            ["ReadableFlowing"] = s.ReadableFlowing,
            ["WritableEnded"] = s.WritableEnded,
            ["WritableLength"] = s.WritableLength,
            ["Server"] = s.Server,
        }));
        await using var client = await h.ConnectAsync();
        var p = await snapshot.Task.WithTimeout();
        var serverPort = ((AddressInfo)h.Server.Address()!).Port;
        var clientEnd = (IPEndPoint)client.Socket.LocalEndPoint!;
        Assert.Equal("127.0.0.1", p["RemoteAddress"]);
        Assert.Equal(clientEnd.Port, p["RemotePort"]);
        Assert.Equal("IPv4", p["RemoteFamily"]);
        Assert.Equal("127.0.0.1", p["LocalAddress"]);
        Assert.Equal(serverPort, p["LocalPort"]);
        Assert.Equal("IPv4", p["LocalFamily"]);
        Assert.Equal($"{{ address: '127.0.0.1', family: 'IPv4', port: {serverPort} }}", p["Address"]);
        Assert.Equal("open", p["ReadyState"]);
        Assert.Equal(true, p["Readable"]);
        Assert.Equal(true, p["Writable"]);
        Assert.Null(p["Timeout"]);
        Assert.Equal(false, p["AllowHalfOpen"]);
        Assert.Equal(65536, p["ReadableHighWaterMark"]);
        Assert.Equal(65536, p["WritableHighWaterMark"]);
        Assert.Equal(0L, p["BytesRead"]);
        Assert.Equal(0L, p["BytesWritten"]);
        Assert.Equal(false, p["Connecting"]);
        Assert.Equal(false, p["Pending"]);
        Assert.Equal(false, p["Destroyed"]);
        Assert.Equal(false, p["IsPaused"]);
        Assert.Null(p["ReadableFlowing"]);
        Assert.Equal(false, p["WritableEnded"]);
        Assert.Equal(0L, p["WritableLength"]);
        Assert.Same(h.Server, p["Server"]);
    }

    [Fact]
    public async Task BytesWritten_counts_a_queued_write_at_once()
    {
        var counted = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            s.Write("0123456789");
            counted.SetResult(s.BytesWritten);
        });
        await using var client = await h.ConnectAsync();
        Assert.Equal(10L, await counted.Task.WithTimeout());
        Assert.Equal("0123456789", await client.ReadStringAsync(10));
    }

    [Fact]
    public async Task After_close_local_address_is_cleared_counters_kept_remote_kept_only_if_read_while_open()
    {
        var recorders = new List<Recorder>();
        var observedRemote = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = true;
        await using var h = await Harness.StartAsync(_t, s =>
        {
            var rec = Recorder.Attach(s, data: false);
            recorders.Add(rec);
            if (first)
            {
                first = false;
                observedRemote.SetResult(s.RemoteAddress);
            }
            s.On<byte[]>("data", _ => s.Write("ok"));
        });

        await using var c1 = await h.ConnectAsync();
        var s1 = await h.NextSocketAsync();
        Assert.Equal("127.0.0.1", await observedRemote.Task.WithTimeout());
        await c1.SendAsync("hello");
        Assert.Equal("ok", await c1.ReadStringAsync(2));
        c1.ShutdownSend();
        await recorders[0].Closed;

        await using var c2 = await h.ConnectAsync();
        var s2 = await h.NextSocketAsync();
        await c2.SendAsync("hello");
        Assert.Equal("ok", await c2.ReadStringAsync(2));
        c2.ShutdownSend();
        await recorders[1].Closed;

        var (after1, after2) = await _t.Run(() => (
            (s1.LocalAddress, s1.LocalPort, s1.LocalFamily, s1.Address(), s1.BytesRead, s1.BytesWritten, s1.RemoteAddress, s1.RemotePort, s1.RemoteFamily),
            (s2.RemoteAddress, s2.RemotePort, s2.RemoteFamily, s2.BytesRead, s2.BytesWritten)));
        Assert.Null(after1.LocalAddress);
        Assert.Null(after1.LocalPort);
        Assert.Null(after1.LocalFamily);
        Assert.Null(after1.Item4);
        Assert.Equal(5, after1.BytesRead);
        Assert.Equal(2, after1.BytesWritten);
        Assert.Equal("127.0.0.1", after1.RemoteAddress);
        Assert.Equal(((IPEndPoint)c1.Socket.LocalEndPoint!).Port, after1.RemotePort);
        Assert.Equal("IPv4", after1.RemoteFamily);

        Assert.Null(after2.RemoteAddress);
        Assert.Null(after2.RemotePort);
        Assert.Null(after2.RemoteFamily);
        Assert.Equal(5, after2.BytesRead);
        Assert.Equal(2, after2.BytesWritten);
    }
}
