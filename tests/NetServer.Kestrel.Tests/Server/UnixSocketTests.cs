using System.Net.Sockets;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Node §15: IPC servers on Unix domain sockets.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnixSocketTests : IDisposable
{
    private readonly TestLoop _t = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _t.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Address_is_the_path_while_listening_after_close_and_the_file_is_gone_by_close()
    {
        var path = _dir.File("basic.sock");
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        Assert.Null(server.Address());
        await _t.ListenOnLoop(server, s => s.Listen(path));
        Assert.Equal(path, server.Address());
        Assert.True(File.Exists(path));
        Assert.False(File.GetAttributes(path).HasFlag(FileAttributes.Directory));
        await using (var client = await Client.ConnectUnixAsync(path))
        {
            await ServerTestHelpers.AssertEchoes(client, "over ipc");
        }

        var existsAtClose = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On("close", () => existsAtClose.TrySetResult(File.Exists(path)));
        var (listening, address) = await _t.Run(() =>
        {
            server.Close();
            return (server.Listening, server.Address());
        });
        Assert.False(listening);
        Assert.Equal(path, address);
        Assert.False(await existsAtClose.Task.WaitAsync(TestLoop.Timeout));
        Assert.Equal(path, server.Address());
        var ex = await Assert.ThrowsAsync<SocketException>(() => Client.ConnectUnixAsync(path));
        Assert.Contains(ex.SocketErrorCode, new[] { SocketError.AddressNotAvailable, SocketError.ConnectionRefused });
    }

    [Fact]
    public async Task Listen_path_with_backlog_and_options_form_work()
    {
        var a = _t.CreateServer(ServerTestHelpers.Echo);
        var b = _t.CreateServer(ServerTestHelpers.Echo);
        var calls = 0;
        await _t.ListenOnLoop(a, s => s.Listen(_dir.File("a.sock"), 8, () => calls++));
        await _t.ListenOnLoop(b, s => s.Listen(new ServerListenOptions { Path = _dir.File("b.sock"), Backlog = 4 }));
        await _t.Flush();
        Assert.Equal(1, calls);
        await using (var ca = await Client.ConnectAsync(a))
        await using (var cb = await Client.ConnectAsync(b))
        {
            await ServerTestHelpers.AssertEchoes(ca, "a");
            await ServerTestHelpers.AssertEchoes(cb, "b");
        }
        await a.CloseAsync().WithTimeout();
        await b.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task An_existing_regular_file_gives_eaddrinuse_and_is_left_untouched()
    {
        var path = _dir.File("taken");
        await File.WriteAllTextAsync(path, "keep me");
        var server = _t.CreateServer();
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(server, s => s.Listen(path)));
        ServerTestHelpers.AssertListenError(e, "EADDRINUSE", -98, path, -1, $"listen EADDRINUSE: address already in use {path}");
        Assert.False(server.Listening);
        Assert.Equal(path, server.Address());
        await _t.Flush();
        Assert.Equal("keep me", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_live_socket_path_gives_eaddrinuse_and_keeps_the_first_server_serving()
    {
        var path = _dir.File("live.sock");
        var first = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(first, s => s.Listen(path));
        var second = _t.CreateServer();
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(second, s => s.Listen(path)));
        Assert.Equal("EADDRINUSE", e.Code);
        Assert.True(File.Exists(path));
        await using (var client = await Client.ConnectUnixAsync(path))
        {
            await ServerTestHelpers.AssertEchoes(client, "first still serves");
        }
        await first.CloseAsync().WithTimeout();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task ReadableAll_and_WritableAll_set_node_24_file_modes(bool readableAll, bool writableAll)
    {
        // 0777 & ~umask, measured on a directory created the same way.
        var probe = Directory.CreateDirectory(_dir.File("umask-probe"));
        var defaultMode = File.GetUnixFileMode(probe.FullName);
        const UnixFileMode all = (UnixFileMode)0x1FF;
        Assert.Equal(all, defaultMode | all);

        var expected = (readableAll, writableAll) switch
        {
            (false, false) => defaultMode,
            (true, false) => (UnixFileMode)0x124, // 0444
            (false, true) => (UnixFileMode)0x92,  // 0222
            _ => (UnixFileMode)0x1B6,             // 0666
        };
        var path = _dir.File($"mode-{readableAll}-{writableAll}.sock");
        var server = _t.CreateServer();
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Path = path, ReadableAll = readableAll, WritableAll = writableAll }));
        Assert.Equal(expected, File.GetUnixFileMode(path));
        await server.CloseAsync().WithTimeout();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Accepted_ipc_socket_has_no_address_information()
    {
        var path = _dir.File("props.sock");
        var seen = new TaskCompletionSource<object?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket =>
        {
            seen.TrySetResult([socket.RemoteAddress, socket.RemotePort, socket.RemoteFamily, socket.LocalAddress, socket.LocalPort, socket.LocalFamily, socket.Address()]);
            ServerTestHelpers.Echo(socket);
        });
        await _t.ListenOnLoop(server, s => s.Listen(path));
        await using (var client = await Client.ConnectUnixAsync(path))
        {
            Assert.All(await seen.Task.WaitAsync(TestLoop.Timeout), Assert.Null);
            await ServerTestHelpers.AssertEchoes(client, "ipc");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Ipc_drop_is_emitted_without_an_argument()
    {
        var path = _dir.File("drop.sock");
        var server = _t.CreateServer();
        server.MaxConnections = 0;
        var argument = new TaskCompletionSource<DropArgument?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bare = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On<DropArgument?>("drop", d => argument.TrySetResult(d));
        server.On("drop", () => bare.TrySetResult());
        await _t.ListenOnLoop(server, s => s.Listen(path));
        await using (var client = await Client.ConnectUnixAsync(path))
        {
            Assert.Equal("", await client.ReadToEndAsync());
        }
        Assert.Null(await argument.Task.WaitAsync(TestLoop.Timeout));
        await bare.Task.WaitAsync(TestLoop.Timeout);
        Assert.Equal(0, await server.GetConnectionsAsync().WithTimeout());
        await server.CloseAsync().WithTimeout();
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Abstract_names_create_no_file_and_accept_clients()
    {
        var name = "\0netserver-test-" + Guid.NewGuid().ToString("N");
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(name));
        Assert.Equal(name, server.Address());
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
        await using (var client = await Client.ConnectUnixAsync(name))
        {
            await ServerTestHelpers.AssertEchoes(client, "abstract");
        }
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task Listen_on_the_fd_of_a_bound_unix_socket()
    {
        var path = _dir.File("fd.sock");
        using var bound = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path));
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        await _t.ListenOnLoop(server, s => s.Listen(new ServerListenOptions { Fd = (int)bound.SafeHandle.DangerousGetHandle() }));
        Assert.True(server.Listening);
        Assert.Null(server.Address());
        await using (var client = await Client.ConnectUnixAsync(path))
        {
            await ServerTestHelpers.AssertEchoes(client, "unix fd");
        }
        await server.CloseAsync().WithTimeout();
        await Assert.ThrowsAsync<SocketException>(() => Client.ConnectUnixAsync(path));
    }
}
