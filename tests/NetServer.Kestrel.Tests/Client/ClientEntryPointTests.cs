using System.Text;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ClientBehaviour;

/// <summary>
/// <see cref="Net.Connect(int, string?, Action?)"/> and <see cref="Net.CreateConnection(SocketConnectOptions, Action?)"/>:
/// their sockets live on <see cref="EventLoop.Default"/> and take the per-socket options
/// (timeout, allowHalfOpen, signal) from the connect options, as Node's <c>net.connect</c> does.
/// Every client is created and given its listeners inside one default-loop callback, so no event
/// (least of all an unhandled 'error', fatal on the default loop) can slip in before them.
/// </summary>
public sealed class ClientEntryPointTests : IDisposable
{
    private readonly TestLoop _t = new();
    private readonly List<DirectoryInfo> _tempDirs = [];

    public void Dispose()
    {
        _t.Dispose();
        foreach (var dir in _tempDirs)
        {
            dir.Delete(recursive: true);
        }
    }

    private static Task<T> OnDefaultLoop<T>(Func<T> fn)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventLoop.Default.Post(() =>
        {
            try
            {
                tcs.SetResult(fn());
            }
            catch (Exception ex)
            {
                tcs.SetException(ex);
            }
        });
        return tcs.Task.WaitAsync(TestLoop.Timeout);
    }

    private static Task<bool> OnDefaultLoop(Action action) => OnDefaultLoop(() =>
    {
        action();
        return true;
    });

    private static TaskCompletionSource<T> Tcs<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<(Server Server, int Port)> EchoServerAsync()
    {
        var server = _t.CreateServer(sock => sock.On<byte[]>("data", d => sock.End("echo:" + Encoding.UTF8.GetString(d))));
        await server.ListenAsync(0, "127.0.0.1");
        return (server, ((AddressInfo)server.Address()!).Port);
    }

    [Fact]
    public async Task Net_Connect_runs_on_the_default_loop_and_calls_the_connect_listener_once()
    {
        var (server, port) = await EchoServerAsync();
        var connectCalls = 0;
        var received = new StringBuilder();
        var closed = Tcs<bool>();
        var errors = new List<Exception>();
        var c = await OnDefaultLoop(() =>
        {
            Socket s = null!;
            s = Net.Connect(port, "127.0.0.1", () =>
            {
                connectCalls++;
                s.Write("ping");
            });
            s.On<Exception>("error", errors.Add);
            s.On<byte[]>("data", d => received.Append(Encoding.UTF8.GetString(d)));
            s.On<bool>("close", hadError => closed.TrySetResult(hadError));
            return s;
        });

        Assert.False(await closed.Task.WithTimeout());
        Assert.Empty(errors);
        Assert.Same(EventLoop.Default, c.Loop);
        Assert.Null(c.Server);
        Assert.Equal(1, connectCalls);
        Assert.Equal("echo:ping", received.ToString());
        await server.CloseAsync();
    }

    [Fact]
    public async Task Net_CreateConnection_takes_timeout_and_allowHalfOpen_from_the_options()
    {
        // The server ends at once and then stays silent: an idle, half-open client.
        var server = _t.CreateServer(sock => sock.End());
        await server.ListenAsync(0, "127.0.0.1");
        var port = ((AddressInfo)server.Address()!).Port;
        var ended = Tcs<bool>();
        var timedOut = Tcs<bool>();
        var closed = Tcs<bool>();
        var c = await OnDefaultLoop(() =>
        {
            var s = Net.CreateConnection(new SocketConnectOptions { Port = port, Host = "127.0.0.1", AllowHalfOpen = true, Timeout = 50 });
            s.On("end", () => ended.TrySetResult(true));
            s.On("timeout", () => timedOut.TrySetResult(true));
            s.On<Exception>("error", _ => { });
            s.On<bool>("close", hadError => closed.TrySetResult(hadError));
            return s;
        });

        await Task.WhenAll(ended.Task, timedOut.Task).WithTimeout();
        // With allowHalfOpen false the client would have ended itself after the server's FIN and closed.
        var state = await OnDefaultLoop(() => (c.AllowHalfOpen, c.Timeout, c.Destroyed, c.Writable, c.ReadyState));
        Assert.Equal((true, (int?)50, false, true, "writeOnly"), state);
        Assert.False(closed.Task.IsCompleted);
        await OnDefaultLoop(() => c.Destroy());
        Assert.False(await closed.Task.WithTimeout());
        await server.CloseAsync();
    }

    [Fact]
    public async Task Net_Connect_options_Signal_destroys_an_open_connection_with_ABORT_ERR()
    {
        var server = _t.CreateServer(sock => sock.On<Exception>("error", _ => { }));
        await server.ListenAsync(0, "127.0.0.1");
        var port = ((AddressInfo)server.Address()!).Port;
        using var cts = new CancellationTokenSource();
        var connected = Tcs<bool>();
        var error = Tcs<Exception>();
        var closed = Tcs<bool>();
        await OnDefaultLoop(() =>
        {
            var s = Net.Connect(new SocketConnectOptions { Port = port, Host = "127.0.0.1", Signal = cts.Token }, () => connected.TrySetResult(true));
            s.On<Exception>("error", e => error.TrySetResult(e));
            s.On<bool>("close", hadError => closed.TrySetResult(hadError));
        });
        await connected.Task.WithTimeout();
        await cts.CancelAsync();

        var e = await error.Task.WithTimeout();
        Assert.Equal("ABORT_ERR", (e as INodeError)?.Code);
        Assert.Equal("The operation was aborted", e.Message);
        Assert.True(await closed.Task.WithTimeout());
        await server.CloseAsync();
    }

    [Fact]
    public async Task An_already_cancelled_Signal_never_connects()
    {
        // Node 24 misbehaves here ('error' on a socket that is not destroyed, close(undefined), then
        // it connects anyway), so there is no differential twin; NetServer does what a live abort does.
        var connections = 0;
        var server = _t.CreateServer(sock =>
        {
            connections++;
            sock.End();
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = ((AddressInfo)server.Address()!).Port;
        var events = new List<string>();
        var closed = Tcs<bool>();
        await OnDefaultLoop(() =>
        {
            var s = Net.Connect(new SocketConnectOptions { Port = port, Host = "127.0.0.1", Signal = new CancellationToken(canceled: true) });
            s.On("connect", () => events.Add("connect"));
            s.On<Exception>("error", e => events.Add("error " + (e as INodeError)?.Code));
            s.On<bool>("close", hadError =>
            {
                events.Add("close " + hadError);
                closed.TrySetResult(hadError);
            });
        });

        Assert.True(await closed.Task.WithTimeout());
        Assert.Equal(["error ABORT_ERR", "close True"], events);
        // A live client afterwards is the server's first connection: the aborted one never got there.
        var liveClosed = Tcs<bool>();
        await OnDefaultLoop(() =>
        {
            var live = Net.Connect(port, "127.0.0.1");
            live.On<Exception>("error", _ => { });
            live.Resume();
            live.On<bool>("close", hadError => liveClosed.TrySetResult(hadError));
        });
        Assert.False(await liveClosed.Task.WithTimeout());
        Assert.Equal(1, await _t.Run(() => connections));
        await server.CloseAsync();
    }

    [Fact]
    public async Task Net_Connect_path_reaches_a_unix_server()
    {
        var dir = Directory.CreateTempSubdirectory("nsclient-");
        _tempDirs.Add(dir);
        var path = Path.Combine(dir.FullName, "echo.sock");
        var server = _t.CreateServer(sock => sock.On<byte[]>("data", d => sock.End("echo:" + Encoding.UTF8.GetString(d))));
        await server.ListenAsync(new ServerListenOptions { Path = path });
        var received = new StringBuilder();
        var closed = Tcs<bool>();
        var connectCalls = 0;
        await OnDefaultLoop(() =>
        {
            var s = Net.Connect(path, () => connectCalls++);
            s.On<Exception>("error", _ => { });
            s.On<byte[]>("data", d => received.Append(Encoding.UTF8.GetString(d)));
            s.On<bool>("close", hadError => closed.TrySetResult(hadError));
            s.Write("over unix");
        });

        Assert.False(await closed.Task.WithTimeout());
        Assert.Equal(1, connectCalls);
        Assert.Equal("echo:over unix", received.ToString());
        await server.CloseAsync();
    }
}
