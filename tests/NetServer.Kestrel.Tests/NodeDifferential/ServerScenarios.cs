using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>Server scenarios: listen/close life cycle, errors, accounting, addresses, disposal, abort.</summary>
public sealed partial class NodeDifferentialTests
{
    [Fact]
    public Task Close_waits_for_connections() => Compare("close-waits-for-connections", async t =>
    {
        var server = _t.CreateServer(sock =>
        {
            t.Log("connection");
            sock.On<byte[]>("data", d =>
            {
                t.Log("data", Text(d));
                sock.Write("echo:" + Text(d));
            });
            sock.On("end", () => t.Log("end"));
            sock.On<bool>("close", hadError => t.Log("socket close", hadError));
        });
        server.On("close", () => t.Log("server close event", server.Listening));
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        // A plain client: the test reads the echo itself.
        await using var c = await Client.ConnectAsync(server);
        await t.WaitFor("connection");
        await _t.Run(() =>
        {
            server.Close(err => t.Log("close callback", err is null ? "no error" : Code(err)));
            t.Log("after close", server.Listening, server.Address());
        });
        await RefusedThenLiveEchoAsync(t, c, port);
        t.Done();
    });

    [Fact]
    public Task Close_not_running() => Compare("close-not-running", async t =>
    {
        await _t.Run(() =>
        {
            var server = _t.CreateServer();
            var n = 0;
            server.On("close", () => t.Log("close event", ++n));
            var r = server.Close(err => t.Log("callback 1", Code(err), err?.Message));
            t.Log("returned server", ReferenceEquals(r, server), server.Listening);
            server.Close(err => t.Log("callback 2", Code(err)));
            t.Log("sync end");
            Loop.SetImmediate(() => Loop.SetImmediate(() =>
            {
                t.Log("listeners", server.ListenerCount("close"));
                t.Done();
            }));
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Get_connections() => Compare("get-connections", async t =>
    {
        var k = 0;
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            var id = ++k;
            server.GetConnections((err, n) => t.Log($"in connection {id}", err, n));
            sock.On("close", () => server.GetConnections((err, n) => t.Log($"after close {id}", err, n)));
        });
        await _t.Run(() =>
        {
            var r = server.GetConnections((err, n) => t.Log("before listen", err, n));
            t.Log("returned server", ReferenceEquals(r, server));
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var a = await NodePeer.ConnectAsync(server);
        await t.WaitFor("in connection 1");
        await using var b = await NodePeer.ConnectAsync(server);
        await t.WaitFor("in connection 2");
        a.End();
        await t.WaitFor("after close 1");
        b.End();
        await t.WaitFor("after close 2");
        await server.CloseAsync();
        t.Done();
    });

    [Fact]
    public Task MaxConnections_drop() => Compare("maxconnections-drop", async t =>
    {
        var server = _t.CreateServer(_ => t.Log("connection"));
        server.MaxConnections = 1;
        DropArgument? dropped = null;
        server.On<DropArgument?>("drop", d =>
        {
            dropped = d;
            t.Log("drop");
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await using var a = await NodePeer.ConnectAsync(server);
        await t.WaitFor("connection");
        await using var clientB = await NodePeer.ConnectAsync(server);
        await t.WaitFor("drop");
        t.Log("drop local", dropped!.LocalAddress, dropped.LocalFamily, dropped.LocalPort == port);
        t.Log("drop remote", dropped.RemoteAddress, dropped.RemoteFamily, dropped.RemotePort == clientB.LocalPort);
        t.Log("client B received", Trace.Json(await clientB.Received));
        server.GetConnections((_, n) => t.Log("connections", n));
        await t.WaitFor("connections");
        a.End();
        await server.CloseAsync();
        t.Log("server closed");
        t.Done();
    });

    [Fact]
    public Task EADDRINUSE_and_retry() => Compare("eaddrinuse-retry", async t =>
    {
        var holder = _t.CreateServer();
        await holder.ListenAsync(0, "127.0.0.1");
        var port = PortOf(holder);
        var server = _t.CreateServer();
        server.On("close", () => t.Log("close", server.Listening));
        server.On("listening", () => t.Log("listening", PortOf(server) != port));
        server.Once<Exception>("error", ex =>
        {
            var e = (INodeSystemError)ex;
            t.Log("error", e.Code, e.Errno, e.Syscall, e.Address, e.Port == port);
            t.Log("message", ex.Message.Replace(port.ToString(System.Globalization.CultureInfo.InvariantCulture), "PORT", StringComparison.Ordinal));
            t.Log("state", server.Listening, server.Address());
            server.Close(err => t.Log("close callback", Code(err), err?.Message));
            server.Listen(0, "127.0.0.1", () =>
            {
                t.Log("retry callback");
                server.Close(_ => holder.Close(_ => t.Done()));
            });
        });
        await _t.Run(() =>
        {
            var r = server.Listen(port, "127.0.0.1", () => t.Log("first listen callback"));
            t.Log("listen returned", ReferenceEquals(r, server));
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Listen_validation() => Compare("listen-validation", async t =>
    {
        await _t.Run(() =>
        {
            var server = _t.CreateServer();
            void Attempt(string label, Action fn)
            {
                try
                {
                    fn();
                    t.Log(label, "no throw");
                }
                catch (Exception e)
                {
                    t.Log(label, Kind(e), Code(e), e.Message);
                }
            }
            Attempt("port -1", () => server.Listen(-1, () => t.Log("never")));
            t.Log("listening listeners", server.ListenerCount("listening"));
            server.RemoveAllListeners("listening");
            const int FirstInvalidPort = 65536; // rejected before any bind
            Attempt("port 65536", () => server.Listen(FirstInvalidPort));
            Attempt("options {}", () => server.Listen(new ServerListenOptions()));
            Attempt("listen 0", () => server.Listen(0));
            Attempt("listen again", () => server.Listen(0));
            t.Log("listening", server.Listening);
            server.Close(_ => t.Done());
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Address_shapes() => Compare("address-shapes", async t =>
    {
        void Show(string label, object? a, int port = 0, string? path = null)
        {
            switch (a)
            {
                case null:
                    t.Log(label, "null");
                    break;
                case string s:
                    t.Log(label, $"path==p:{Trace.Format(s == path)}");
                    break;
                default:
                    var info = (AddressInfo)a;
                    t.Log(label, info.Address, info.Family, $"port==listenPort:{Trace.Format(info.Port == port)}", info.Port > 0);
                    break;
            }
        }
        foreach (var host in (string[])["127.0.0.1", "::1"])
        {
            var s = _t.CreateServer();
            Show($"{host} before", s.Address());
            await s.ListenAsync(0, host);
            var port = PortOf(s);
            Show($"{host} listening", s.Address(), port);
            var closed = s.CloseAsync();
            Show($"{host} after close", s.Address(), port);
            await closed;
            Show($"{host} closed", s.Address(), port);
        }
        var p = TmpPath("addr.sock");
        var pipe = _t.CreateServer();
        Show("pipe before", pipe.Address(), 0, p);
        await pipe.ListenAsync(new ServerListenOptions { Path = p });
        Show("pipe listening", pipe.Address(), 0, p);
        await pipe.CloseAsync();
        Show("pipe closed", pipe.Address(), 0, p);
        t.Done();
    });

    [Fact]
    public Task Listen_timing() => Compare("listen-timing", async t =>
    {
        var a = _t.CreateServer();
        await _t.Run(() =>
        {
            a.On("listening", () => t.Log("A listening event 1", a.Listening));
            a.Listen(0, () => t.Log("A listen callback"));
            a.On("listening", () => t.Log("A listening event 2"));
            var addr = a.Address() as AddressInfo;
            t.Log("A after listen", a.Listening, addr?.Address, addr?.Family, addr?.Port > 0);
        });
        await t.WaitFor("A listening event 2");
        await a.CloseAsync();

        var b = _t.CreateServer();
        await _t.Run(() =>
        {
            b.Listen(0, "127.0.0.1", () => t.Log("B listen callback", b.Listening, ((AddressInfo)b.Address()!).Family));
            t.Log("B after listen", b.Listening, b.Address());
        });
        await t.WaitFor("B listen callback");
        await b.CloseAsync();
        t.Done();
    });

    [Fact]
    public Task Abort_signal() => Compare("abort-signal", async t =>
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var pre = _t.CreateServer();
        pre.On("listening", () => t.Log("pre listening (unexpected)"));
        pre.On("close", () => t.Log("pre close"));
        await _t.Run(() => pre.Listen(new ServerListenOptions { Port = 0, Host = "127.0.0.1", Signal = aborted.Token }));
        await t.WaitFor("pre close");

        using var ac = new CancellationTokenSource();
        var server = _t.CreateServer(sock =>
        {
            t.Log("connection");
            sock.On<byte[]>("data", d => sock.Write(d));
            sock.On<bool>("close", hadError => t.Log("socket close", hadError));
        });
        server.On("close", () => t.Log("server close"));
        server.Listen(new ServerListenOptions { Port = 0, Host = "127.0.0.1", Signal = ac.Token }, () => t.Log("listening"));
        await t.WaitFor("listening");
        await using var c = await Client.ConnectAsync(server);
        await t.WaitFor("connection");
        await _t.Run(() =>
        {
            ac.Cancel();
            t.Log("aborted", server.Listening, server.Address());
        });
        await c.SendAsync("still-open");
        t.Log("client echo", await c.ReadStringAsync("still-open".Length));
        c.ShutdownSend();
        await t.WaitFor("socket close");
        t.Done();
    });

    [Fact]
    public Task Async_dispose() => Compare("async-dispose", async t =>
    {
        var idle = _t.CreateServer();
        idle.On("close", () => t.Log("idle close (unexpected)"));
        await idle.DisposeAsync();
        t.Log("idle disposed");

        var socketClosed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(sock =>
        {
            t.Log("connection");
            sock.On<bool>("close", hadError => socketClosed.TrySetResult(hadError));
        });
        server.On("close", () => t.Log("server close"));
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server);
        await t.WaitFor("connection");
        var disposing = server.DisposeAsync().AsTask();
        t.Log("dispose started", server.Listening);
        c.End();
        await disposing.WithTimeout();
        t.Log("disposed");
        t.Log("socket closed", await socketClosed.Task.WithTimeout());
        t.Done();
    });

    [Fact]
    public Task Default_host_dual_stack() => Compare("default-host-dual-stack", async t =>
    {
        var k = 0;
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            var id = ++k;
            t.Log($"peer {id}", sock.RemoteAddress, sock.RemoteFamily, sock.LocalAddress, sock.LocalFamily, sock.LocalPort == PortOf(server));
            sock.End();
        });
        await server.ListenAsync(0);
        var a = (AddressInfo)server.Address()!;
        t.Log("address", a.Address, a.Family);
        await using (var c4 = await NodePeer.ConnectAsync(IPAddress.Loopback, a.Port))
        {
            await t.WaitFor("peer 1");
            await c4.Received;
        }
        await using (var c6 = await NodePeer.ConnectAsync(IPAddress.IPv6Loopback, a.Port))
        {
            await t.WaitFor("peer 2");
            await c6.Received;
        }
        await server.CloseAsync();
        t.Done();
    });
}
