using System.Net.Sockets;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class ResetTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Peer_reset_emits_ECONNRESET_then_close_true_and_the_server_stays_silent()
    {
        var recorders = new List<Recorder>();
        var serverEvents = new List<string>();
        await using var h = await Harness.StartAsync(_t, s =>
        {
            recorders.Add(Recorder.Attach(s, data: false));
            s.On<byte[]>("data", d => s.Write(d));
        });
        h.Server.On<Exception>("error", e => serverEvents.Add("error"));
        h.Server.On("close", () => serverEvents.Add("close"));

        await using var other = await h.ConnectAsync();
        await h.NextSocketAsync();
        var client = await h.ConnectAsync();
        await h.NextSocketAsync();
        await client.SendAsync("x");
        Assert.Equal("x", await client.ReadStringAsync(1));
        client.Reset();

        var victim = recorders[1];
        Assert.True(await victim.Closed);
        Assert.Equal(["connection", "error:ECONNRESET", "close:True"], victim.Events);
        var error = Assert.IsAssignableFrom<INodeSystemError>(victim.Error);
        Assert.Equal(-104, error.Errno);
        Assert.Equal("read", error.Syscall);
        Assert.Equal("read ECONNRESET", victim.Error!.Message);
        Assert.Equal(1, await h.Server.GetConnectionsAsync().WithTimeout());

        // The other connection keeps working, and the server emitted nothing.
        await other.SendAsync("still alive");
        Assert.Equal("still alive", await other.ReadStringAsync(11));
        Assert.Empty(serverEvents);
        Assert.Equal(["connection"], recorders[0].Events);
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Peer_reset_without_an_error_listener_reaches_uncaughtException()
    {
        var closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            s.On<bool>("close", hadError => closed.SetResult(hadError));
            s.On<byte[]>("data", d => s.Write(d));
        });
        var client = await h.ConnectAsync();
        await client.SendAsync("x");
        Assert.Equal("x", await client.ReadStringAsync(1));
        client.Reset();
        Assert.True(await closed.Task.WithTimeout());
        var uncaught = Assert.Single(_t.Uncaught);
        Assert.Equal("ECONNRESET", ((INodeError)uncaught).Code);
    }

    [Fact]
    public async Task ResetAndDestroy_sends_a_RST()
    {
        Recorder? rec = null;
        await using var h = await Harness.StartAsync(_t, s =>
        {
            rec = Recorder.Attach(s);
            s.On<byte[]>("data", _ => s.ResetAndDestroy());
        });
        await using var client = await h.ConnectAsync();
        await h.NextSocketAsync(); // the connection listener (which sets rec) has run
        await client.SendAsync("x");
        var ex = await Assert.ThrowsAsync<SocketException>(client.ReadAllBytesAsync);
        Assert.Equal(SocketError.ConnectionReset, ex.SocketErrorCode);
        Assert.False(await rec!.Closed);
        Assert.Equal(["connection", "data:x", "close:False"], rec.Events);
    }

    [Fact]
    public async Task ResetAndDestroy_on_a_unix_socket_throws_ERR_INVALID_HANDLE_TYPE()
    {
        var thrown = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions(), s =>
        {
            try
            {
                s.ResetAndDestroy();
                thrown.SetResult(null);
            }
            catch (Exception ex)
            {
                thrown.SetResult(ex);
            }
        }, unix: true);
        await using var client = await h.ConnectAsync();
        var ex = await thrown.Task.WithTimeout();
        Assert.NotNull(ex);
        Assert.Equal("ERR_INVALID_HANDLE_TYPE", Assert.IsAssignableFrom<INodeError>(ex).Code);
        Assert.IsNotAssignableFrom<ArgumentException>(ex);
    }
}
