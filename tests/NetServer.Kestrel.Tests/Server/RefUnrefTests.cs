using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Node §11: a listening server keeps the loop alive unless unref'd; unref before listen is remembered.</summary>
public sealed class RefUnrefTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    /// <summary>The loop has had several chances to go idle and still has not.</summary>
    private async Task AssertStaysAlive(Task run)
    {
        await _t.Flush();
        await _t.Flush();
        Assert.False(run.IsCompleted, "the loop finished although a ref'd server listens");
    }

    [Fact]
    public async Task An_empty_loop_completes()
    {
        await _t.Loop.RunAsync().WithTimeout();
    }

    [Fact]
    public async Task A_listening_server_keeps_the_loop_alive_until_unref()
    {
        var server = _t.CreateServer();
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var run = _t.Loop.RunAsync();
        await AssertStaysAlive(run);
        Assert.Same(server, server.Unref());
        await run.WithTimeout();
        Assert.True(server.Listening);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Close_lets_the_loop_complete()
    {
        var server = _t.CreateServer();
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var run = _t.Loop.RunAsync();
        await AssertStaysAlive(run);
        await _t.Run(() => server.Close());
        await run.WithTimeout();
        Assert.False(server.Listening);
    }

    [Fact]
    public async Task Unref_before_listen_is_remembered()
    {
        var server = _t.CreateServer();
        Assert.Same(server, server.Unref());
        await _t.ListenOnLoop(server, s => s.Listen(0));
        await _t.Loop.RunAsync().WithTimeout();
        Assert.True(server.Listening);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Ref_after_unref_keeps_the_loop_alive_again()
    {
        var server = _t.CreateServer();
        server.Unref().Unref();
        Assert.Same(server, server.Ref());
        await _t.ListenOnLoop(server, s => s.Listen(0));
        var run = _t.Loop.RunAsync();
        await AssertStaysAlive(run);
        await _t.Run(() => server.Close());
        await run.WithTimeout();
    }

    [Fact]
    public async Task A_pending_listen_with_a_host_keeps_the_loop_alive()
    {
        var server = _t.CreateServer();
        var listening = Await.Next(server, "listening");
        var run = await _t.Run(() =>
        {
            server.Listen(0, "localhost");
            return _t.Loop.RunAsync();
        });
        await listening;
        await AssertStaysAlive(run);
        await _t.Run(() => server.Close());
        await run.WithTimeout();
    }

    [Fact]
    public async Task An_accepted_connection_keeps_the_loop_alive_after_the_server_is_unrefd()
    {
        var accepted = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket => accepted.TrySetResult(socket));
        server.Unref();
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using var client = await Client.ConnectAsync(server);
        var socket = await accepted.Task.WaitAsync(TestLoop.Timeout);
        var run = _t.Loop.RunAsync();
        await AssertStaysAlive(run);
        await _t.Run(() => socket.Destroy());
        await run.WithTimeout();
        await _t.Run(() => server.Close());
    }
}
