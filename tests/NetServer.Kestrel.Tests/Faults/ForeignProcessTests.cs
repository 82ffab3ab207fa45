using System.Globalization;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;

namespace NetServer.Kestrel.Tests.Faults;

/// <summary>Resources held by another process: a bound port, and a stale socket file left by a killed one.</summary>
public sealed class ForeignProcessTests : IDisposable
{
    private const string BindLoopbackPort =
        "import socket,sys\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen()\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()";

    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_port_bound_by_another_process_gives_EADDRINUSE_with_Nodes_message()
    {
        using var holder = await PythonChild.StartAsync(BindLoopbackPort);
        var port = int.Parse(holder.FirstLine, CultureInfo.InvariantCulture);

        var server = _t.CreateServer();
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(server, s => s.Listen(port, "127.0.0.1")));
        Assert.Equal(("EADDRINUSE", -98, "listen", "127.0.0.1", (int?)port), (e.Code, e.Errno, e.Syscall, e.Address, e.Port));
        Assert.Equal($"listen EADDRINUSE: address already in use 127.0.0.1:{port}", e.Message);
        Assert.False(server.Listening);

        // The default host (dual-stack ::) collides with the IPv4 holder too, and says so as Node does.
        var dual = _t.CreateServer();
        var e2 = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(dual, s => s.Listen(port)));
        Assert.Equal($"listen EADDRINUSE: address already in use :::{port}", e2.Message);
        Assert.Equal("::", e2.Address);

        // Once the other process is gone (killed by its PID), the same server object can listen there.
        holder.KillNow();
        await _t.ListenOnLoop(server, s => s.Listen(port, "127.0.0.1"));
        Assert.Equal(port, server.Port());
        await server.CloseAsync().WithTimeout();
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task A_stale_socket_file_left_by_a_killed_process_gives_EADDRINUSE_and_is_not_unlinked()
    {
        using var dir = new TempDir();
        var path = dir.File("stale.sock");
        using (var holder = await PythonChild.StartAsync(
            $"import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.bind({PyString(path)})\ns.listen()\nprint('up',flush=True)\nsys.stdin.read()"))
        {
            holder.KillNow();
        }
        Assert.True(File.Exists(path), "SIGKILL leaves the socket file behind");

        var server = _t.CreateServer();
        var e = Assert.IsType<NodeSystemError>(await _t.ListenExpectingError(server, s => s.Listen(path)));
        Assert.Equal(("EADDRINUSE", -98, "listen", path, (int?)-1), (e.Code, e.Errno, e.Syscall, e.Address, e.Port));
        Assert.Equal($"listen EADDRINUSE: address already in use {path}", e.Message);
        Assert.True(File.Exists(path), "Node never unlinks before binding");

        // Node's documented recovery: unlink, then listen again.
        File.Delete(path);
        await _t.ListenOnLoop(server, s => s.Listen(path));
        var accepted = Await.Next<Socket>(server, "connection");
        await using (var client = await Client.ConnectUnixAsync(path))
        {
            var socket = await accepted;
            Assert.Null(await _t.Run(() => socket.RemoteAddress));
        }
        await server.CloseAsync().WithTimeout();
        Assert.False(File.Exists(path));
    }

    private static string PyString(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
