using System.Net.Sockets;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.NodeDifferential;
using NetServer.Kestrel.Tests.ServerBehaviour;

namespace NetServer.Kestrel.Tests.Faults;

/// <summary>The socket file of a live IPC server is deleted by someone else (Node 24 behaviour, verified).</summary>
public sealed class UnixFileDeletedTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Existing_connections_keep_working_new_clients_get_ENOENT_and_close_still_succeeds()
    {
        using var dir = new TempDir();
        var path = dir.File("gone.sock");
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        var errors = new List<Exception>();
        server.On<Exception>("error", errors.Add);
        await _t.ListenOnLoop(server, s => s.Listen(path));
        await using var live = await Client.ConnectUnixAsync(path);

        File.Delete(path);

        await ServerTestHelpers.AssertEchoes(live, "still here");
        // A Node 24 client gets connect ENOENT, exactly as against a Node server whose file was deleted.
        var nodeClient = await NodeRunner.EvalAsync(
            "require('net').connect(process.argv[1]).on('connect', () => { console.log('connected'); process.exit(); })" +
            ".on('error', e => console.log(e.code, e.errno, e.syscall, e.message === 'connect ENOENT ' + process.argv[1]))",
            path);
        Assert.Equal(["ENOENT -2 connect true"], nodeClient);
        // .NET reports the same connect(2) failure as SocketException (it maps ENOENT to AddressNotAvailable).
        await Assert.ThrowsAsync<SocketException>(() => Client.ConnectUnixAsync(path));
        Assert.True(server.Listening);
        Assert.Equal(path, server.Address());

        var closed = Await.Next(server, "close");
        Exception? callbackError = new InvalidOperationException("not called");
        var threw = await _t.Run(() => Record.Exception(() => server.Close(e => callbackError = e)));
        Assert.Null(threw);
        Assert.False(server.Listening);
        await ServerTestHelpers.AssertEchoes(live, "after close");
        live.ShutdownSend();
        Assert.Empty(await live.ReadAllBytesAsync());
        await closed;
        await _t.Flush();
        Assert.Null(callbackError);
        Assert.Empty(errors);
        Assert.Empty(_t.Uncaught);
        Assert.False(File.Exists(path));
    }
}
