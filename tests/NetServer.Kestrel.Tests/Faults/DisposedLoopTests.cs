using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;

namespace NetServer.Kestrel.Tests.Faults;

/// <summary>
/// An <see cref="EventLoop"/> disposed while its sockets still have I/O on the way (beyond Node,
/// which has no such call): no callback runs any more, and nothing is left waiting on the loop:
/// every such connection is closed, so the peer sees its end instead of a silent hang.
/// </summary>
public sealed class DisposedLoopTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_zero_copy_read_queued_on_a_disposed_loop_closes_the_connection()
    {
        var handled = 0;
        var server = _t.CreateServer(s => s.OnRead((socket, data) =>
        {
            handled++;
            socket.Write(data);
        }));
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using var client = await Client.ConnectAsync(server);
        await ServerTestHelpers.AssertEchoes(client, "first");

        using var release = new ManualResetEventSlim();
        await _t.HoldAsync(release);
        await client.SendAsync("never handled");
        _t.Loop.Dispose();
        release.Set();

        Assert.Empty(await client.ReadAllBytesAsync());
        Assert.Equal(1, Volatile.Read(ref handled));
    }

    [Fact]
    public async Task Data_arriving_after_the_loop_is_disposed_closes_the_connection()
    {
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using var client = await Client.ConnectAsync(server);
        await ServerTestHelpers.AssertEchoes(client, "first");

        _t.Loop.Dispose();
        await client.SendAsync("after dispose");

        Assert.Empty(await client.ReadAllBytesAsync());
    }

    [Fact]
    public async Task A_connection_accepted_for_a_disposed_loop_is_closed()
    {
        var connections = 0;
        var server = _t.CreateServer(_ => connections++);
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));

        using var release = new ManualResetEventSlim();
        await _t.HoldAsync(release);
        await using var client = await Client.ConnectAsync(server);
        var queued = SpinWait.SpinUntil(() => server.QueuedAccepts == 1, TestLoop.Timeout);
        _t.Loop.Dispose();
        release.Set();

        Assert.True(queued, "the accept should have waited for the busy loop");
        Assert.Empty(await client.ReadAllBytesAsync());
        Assert.Equal(0, Volatile.Read(ref connections));
        Assert.Equal(0, server.QueuedAccepts);
    }
}
