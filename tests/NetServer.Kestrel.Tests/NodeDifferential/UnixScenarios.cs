namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>Unix domain socket scenarios.</summary>
public sealed partial class NodeDifferentialTests
{
    [Fact]
    public Task MaxConnections_drop_on_unix_socket() => Compare("maxconnections-unix", async t =>
    {
        var p = TmpPath("drop.sock");
        var server = _t.CreateServer(_ => t.Log("connection"));
        server.MaxConnections = 0;
        server.On<DropArgument?>("drop", d => t.Log("drop", d is null ? 0 : 1));
        await server.ListenAsync(new ServerListenOptions { Path = p });
        t.Log("listening", (server.Address() as string) == p);
        await using var c = await NodePeer.ConnectUnixAsync(p);
        await t.WaitFor("drop");
        t.Log("client received", Trace.Json(await c.Received));
        server.GetConnections((_, n) => t.Log("connections", n));
        await t.WaitFor("connections");
        await server.CloseAsync();
        t.Log("closed, file exists", Path.Exists(p));
        t.Done();
    });

    [Fact]
    public Task Unix_EADDRINUSE_on_existing_file() => Compare("unix-eaddrinuse", async t =>
    {
        var p = TmpPath("busy.sock");
        await File.WriteAllTextAsync(p, "keep me");
        var server = _t.CreateServer();
        server.On("listening", () => t.Log("listening (unexpected)"));
        server.On<Exception>("error", ex =>
        {
            var e = (INodeSystemError)ex;
            t.Log("error", e.Code, e.Errno, e.Syscall, $"address==p:{Trace.Format(e.Address == p)}", e.Port);
            t.Log("message", ex.Message.Replace(p, "<path>", StringComparison.Ordinal));
            t.Log("state", server.Listening, $"address==p:{Trace.Format(server.Address() as string == p)}");
            t.Log("file", File.Exists(p), File.ReadAllText(p));
            server.Close(err =>
            {
                t.Log("close callback", Code(err));
                t.Done();
            });
        });
        await _t.Run(() =>
        {
            server.Listen(p);
            t.Log("after listen", server.Listening);
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Unix_basic() => Compare("unix-basic", async t =>
    {
        var p = TmpPath("basic.sock");
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            t.Log("connection", Trace.Undef(sock.RemoteAddress), Trace.Undef(sock.RemotePort), Trace.Undef(sock.RemoteFamily),
                Trace.Undef(sock.LocalAddress), Trace.Undef(sock.LocalPort));
            sock.On<byte[]>("data", d => t.Log("data", Text(d)));
            sock.On("end", () => t.Log("end"));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, sock.BytesRead);
                server.Close(_ =>
                {
                    t.Log("closed", $"address==p:{Trace.Format(server.Address() as string == p)}", "file exists", Path.Exists(p));
                    t.Done();
                });
            });
            sock.End("hi");
        });
        server.Listen(p, () => t.Log("listening", $"address==p:{Trace.Format(server.Address() as string == p)}", Path.Exists(p)));
        await t.WaitFor("listening");
        // No automatic end: the server's FIN may arrive before this client's own end("over unix").
        await using var c = await NodePeer.ConnectUnixAsync(p, autoEnd: false);
        await c.EndAsync("over unix");
        await t.WaitFor("done");
    });
}
