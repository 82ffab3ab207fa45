using System.Text;
using System.Threading.Channels;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

/// <summary>A server on 127.0.0.1:0 (or a Unix path) whose accepted sockets can be awaited one by one.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private readonly Channel<Socket> _accepted = Channel.CreateUnbounded<Socket>();
    private readonly List<Socket> _sockets = [];
    private string? _tempDir;

    private Harness(TestLoop t, Server server)
    {
        T = t;
        Server = server;
    }

    public TestLoop T { get; }

    public Server Server { get; }

    public static Task<Harness> StartAsync(TestLoop t, Action<Socket>? onConnection = null) => StartAsync(t, new ServerOptions(), onConnection);

    public static async Task<Harness> StartAsync(TestLoop t, ServerOptions options, Action<Socket>? onConnection = null, bool unix = false)
    {
        var server = t.CreateServer(options);
        var h = new Harness(t, server);
        server.On<Socket>("connection", s =>
        {
            lock (h._sockets)
            {
                h._sockets.Add(s);
            }
            onConnection?.Invoke(s);
            h._accepted.Writer.TryWrite(s);
        });
        if (unix)
        {
            h._tempDir = Directory.CreateTempSubdirectory("netserver-sock-").FullName;
            await server.ListenAsync(new ServerListenOptions { Path = Path.Combine(h._tempDir, "s.sock") }).WithTimeout();
        }
        else
        {
            await server.ListenAsync(0, "127.0.0.1").WithTimeout();
        }
        return h;
    }

    public Task<Client> ConnectAsync() => Client.ConnectAsync(Server);

    public async Task<Socket> NextSocketAsync() => await _accepted.Reader.ReadAsync().AsTask().WithTimeout();

    /// <summary>Lets every callback already queued on the loop run (two full turns).</summary>
    public async Task SettleAsync()
    {
        await T.Run(() => { });
        await T.Run(() => { });
    }

    public async ValueTask DisposeAsync()
    {
        Socket[] sockets;
        lock (_sockets)
        {
            sockets = [.. _sockets];
        }
        await T.Run(() =>
        {
            foreach (var s in sockets)
            {
                s.Destroy();
            }
        });
        await Server.CloseAsync().WithTimeout();
        if (_tempDir is not null)
        {
            Directory.Delete(_tempDir, recursive: true);
        }
    }
}

/// <summary>Records a socket's events on the loop, in order, as short strings.</summary>
internal sealed class Recorder
{
    private readonly List<string> _events = [];
    private readonly TaskCompletionSource<bool> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Recorder(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public Exception? Error { get; private set; }

    public Task<bool> Closed => _closed.Task.WithTimeout();

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Attaches to everything but <c>data</c> (attaching <c>data</c> starts the flow).</summary>
    public static Recorder Attach(Socket socket, bool data = true)
    {
        var r = new Recorder(socket);
        r.Add("connection");
        if (data)
        {
            socket.On<object>("data", d => r.Add("data:" + (d is byte[] b ? Encoding.UTF8.GetString(b) : (string)d)));
        }
        socket.On("end", () => r.Add("end:" + socket.ReadyState));
        socket.On("finish", () => r.Add("finish:" + socket.ReadyState));
        socket.On("drain", () => r.Add("drain"));
        socket.On("timeout", () => r.Add("timeout"));
        socket.On<Exception>("error", e =>
        {
            r.Error = e;
            r.Add("error:" + ((e as INodeError)?.Code ?? e.Message));
        });
        socket.On<bool>("close", hadError =>
        {
            r.Add("close:" + hadError);
            r._closed.TrySetResult(hadError);
        });
        return r;
    }

    public void Add(string e)
    {
        lock (_events)
        {
            _events.Add(e);
        }
    }
}
