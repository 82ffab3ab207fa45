using System.Net;
using System.Net.Sockets;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Small helpers shared by the server behaviour tests; every wait is bounded by <see cref="TestLoop.Timeout"/>.</summary>
internal static class ServerTestHelpers
{
    /// <summary>Calls <paramref name="listen"/> on the loop and waits for <c>"listening"</c>; a listen <c>"error"</c> fails the wait.</summary>
    public static async Task ListenOnLoop(this TestLoop t, Server server, Action<Server> listen)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Action onListening = () => tcs.TrySetResult();
        Action<Exception> onError = e => tcs.TrySetException(e);
        server.Once("listening", onListening);
        server.Once("error", onError);
        try
        {
            await t.Run(() => listen(server));
            await tcs.Task.WaitAsync(TestLoop.Timeout);
            // Our listener runs first; let the rest of that "listening" emit (the caller's callback) finish.
            await t.Run(() => { });
        }
        finally
        {
            server.Off("listening", onListening);
            server.Off("error", onError);
        }
    }

    /// <summary>Calls <paramref name="listen"/> on the loop and returns the <c>"error"</c> it leads to.</summary>
    public static async Task<Exception> ListenExpectingError(this TestLoop t, Server server, Action<Server> listen)
    {
        var error = Await.Next<Exception>(server, "error");
        await t.Run(() => listen(server));
        return await error;
    }

    /// <summary>Lets the loop drain everything queued so far (two round trips cover nextTicks queued by the first).</summary>
    public static async Task Flush(this TestLoop t)
    {
        await t.Run(() => { });
        await t.Run(() => { });
        await t.Run(() => { });
    }

    public static int Port(this Server server) => Assert.IsType<AddressInfo>(server.Address()).Port;

    /// <summary>A connection listener that echoes every byte and ends when the peer ends.</summary>
    public static void Echo(Socket socket) => socket.Pipe(socket);

    public static async Task AssertEchoes(Client client, string text)
    {
        await client.SendAsync(text);
        Assert.Equal(text, await client.ReadStringAsync(System.Text.Encoding.UTF8.GetByteCount(text)));
    }

    /// <summary>Every field Node 24 sets on a <c>listen</c> error, checked at once.</summary>
    public static void AssertListenError(NodeSystemError e, string code, int errno, string? address, int? port, string message)
    {
        Assert.Equal(code, e.Code);
        Assert.Equal(errno, e.Errno);
        Assert.Equal("listen", e.Syscall);
        Assert.Equal(address, e.Address);
        Assert.Equal(port, e.Port);
        Assert.Equal(message, e.Message);
    }

    public static async Task AssertRefused(IPAddress address, int port)
    {
        var ex = await Assert.ThrowsAsync<SocketException>(() => Client.ConnectAsync(address, port));
        Assert.Equal(SocketError.ConnectionRefused, ex.SocketErrorCode);
    }

    /// <summary>A TCP socket bound (and listening) with plain System.Net.Sockets, to collide with.</summary>
    public static System.Net.Sockets.Socket Occupy(IPAddress address, int port = 0)
    {
        var s = new System.Net.Sockets.Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(address, port));
        s.Listen();
        return s;
    }

    public static int PortOf(System.Net.Sockets.Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;

    /// <summary>Awaits <paramref name="count"/> emissions of a no-argument event.</summary>
    public static Task Count(EventEmitter emitter, string eventName, int count)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = 0;
        emitter.On(eventName, () =>
        {
            if (Interlocked.Increment(ref seen) == count)
            {
                tcs.TrySetResult();
            }
        });
        return tcs.Task.WaitAsync(TestLoop.Timeout);
    }
}

/// <summary>A short-named temp directory for Unix socket paths (sun_path is 108 bytes); deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("ns-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
