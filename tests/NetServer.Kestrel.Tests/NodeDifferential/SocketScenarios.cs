using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>Accepted-socket scenarios: life cycle, half-open, buffering, write errors, resets, timeouts.</summary>
public sealed partial class NodeDifferentialTests
{
    [Fact]
    public Task Connection_lifecycle() => Compare("connection-lifecycle", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            t.Log("connection", sock.ReadyState, sock.Readable, sock.Writable, sock.BytesRead);
            sock.On<byte[]>("data", d => t.Log("data", d.Length, Text(d)));
            sock.On("end", () => t.Log("end", sock.ReadyState, sock.WritableEnded));
            sock.On("finish", () => t.Log("finish", sock.ReadyState));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, sock.Destroyed, sock.ReadyState, sock.BytesRead);
                server.Close(_ => t.Log("server closed"));
            });
        });
        server.Listen(0, "127.0.0.1", () => t.Log("listening"));
        await t.WaitFor("listening");
        await using var c = await NodePeer.ConnectAsync(server);
        await c.EndAsync("hello");
        var received = await c.Received;
        await t.WaitFor("server closed");
        t.Log("client received", Trace.Json(received));
        t.Done();
    });

    [Fact]
    public Task Allow_half_open() => Compare("allow-half-open", async t =>
    {
        var server = _t.CreateServer(new ServerOptions { AllowHalfOpen = true }, sock =>
        {
            t.Log("connection", sock.AllowHalfOpen);
            sock.On<byte[]>("data", d => t.Log("data", Text(d)));
            sock.On("end", () =>
            {
                t.Log("end", sock.ReadyState, sock.Writable);
                Loop.SetImmediate(() =>
                {
                    t.Log("still", sock.ReadyState, sock.Destroyed);
                    t.Log("write returned", sock.Write("late,"));
                    sock.End("bye", () => t.Log("end callback"));
                    t.Log("after end", sock.ReadyState, sock.WritableEnded);
                });
            });
            sock.On("finish", () => t.Log("finish", sock.ReadyState));
            sock.On<bool>("close", hadError => t.Log("close", hadError, sock.BytesWritten));
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server, autoEnd: false);
        await c.EndAsync("hello");
        var received = await c.Received;
        await t.WaitFor("close");
        t.Log("client received", received);
        await server.CloseAsync();
        t.Done();
    });

    [Fact]
    public Task Server_initiated_end() => Compare("server-initiated-end", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            sock.On("end", () => t.Log("end", sock.ReadyState));
            sock.On("finish", () => t.Log("finish", sock.ReadyState, sock.WritableFinished));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, sock.ReadyState);
                server.Close(_ => t.Done());
            });
            var r = sock.End("bye", () => t.Log("end callback", sock.ReadyState));
            t.Log("after end", ReferenceEquals(r, sock), sock.WritableEnded, sock.ReadyState);
        });
        await server.ListenAsync(0, "127.0.0.1");
        // The client (like Node's, allowHalfOpen=false) ends its side when it reads the server's FIN.
        await using var c = await NodePeer.ConnectAsync(server);
        await t.WaitFor("done");
    });

    [Fact]
    public Task Late_data_listener() => Compare("late-data-listener", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            sock.On("end", () => t.Log("end", sock.ReadableLength));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, sock.BytesRead);
                server.Close(_ => t.Done());
            });
            var start = System.Diagnostics.Stopwatch.StartNew();
            Action poll = null!;
            poll = () =>
            {
                if (sock.ReadableLength < 5 && start.ElapsedMilliseconds < 5000)
                {
                    Loop.SetImmediate(poll);
                    return;
                }
                t.Log("buffered", sock.ReadableLength, sock.ReadableFlowing);
                sock.On<byte[]>("data", d => t.Log("data", Text(d), sock.ReadableFlowing));
            };
            Loop.SetImmediate(poll);
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server);
        await c.EndAsync("hello");
        await t.WaitFor("done");
    });

    [Fact]
    public Task Pause_on_connect() => Compare("pause-on-connect", async t =>
    {
        Server server = null!;
        Socket current = null!;
        server = _t.CreateServer(new ServerOptions { PauseOnConnect = true }, sock =>
        {
            current = sock;
            t.Log("connection", sock.IsPaused(), sock.ReadableFlowing);
            sock.On<byte[]>("data", d => t.Log("data", Text(d), sock.BytesRead));
            sock.On("end", () => t.Log("end"));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError);
                server.Close(_ => t.Done());
            });
            t.Log("with listener", sock.IsPaused(), sock.ReadableFlowing);
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server);
        await t.WaitFor("with listener");
        await c.EndAsync("hello");
        // A quiet period: nothing may be read while paused.
        Loop.SetTimeout(() =>
        {
            t.Log("quiet", current.BytesRead, current.IsPaused());
            current.Resume();
            t.Log("resumed", current.IsPaused(), current.ReadableFlowing);
        }, 100);
        await t.WaitFor("done");
    });

    [Fact]
    public Task Write_after_end() => Compare("write-after-end", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            sock.On<Exception>("error", e => t.Log("error", Code(e), e.Message));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError);
                server.Close(_ => t.Done());
            });
            sock.End();
            var r = sock.Write("x", err => t.Log("write callback", Code(err), err?.Message));
            t.Log("write returned", r);
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server);
        await t.WaitFor("done");
    });

    [Fact]
    public Task Write_after_destroy() => Compare("write-after-destroy", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            sock.On<Exception>("error", e => t.Log("error", Code(e)));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError);
                server.Close(_ => t.Done());
            });
            sock.Destroy();
            t.Log("destroyed", sock.Destroyed, sock.ReadyState);
            var r = sock.Write("x", err => t.Log("write callback", Code(err), err?.Message));
            t.Log("write returned", r);
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server);
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_reset() => Compare("client-reset", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            t.Log("connection");
            sock.On("end", () => t.Log("end"));
            sock.On<Exception>("error", e =>
            {
                var s = (INodeSystemError)e;
                t.Log("error", s.Code, s.Errno, s.Syscall, e.Message);
            });
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError);
                server.GetConnections((err, n) =>
                {
                    t.Log("connections", err, n);
                    server.Close(_ => t.Done());
                });
            });
        });
        server.On<Exception>("error", e => t.Log("server error", Code(e)));
        await server.ListenAsync(0, "127.0.0.1");
        var c = await Client.ConnectAsync(server);
        await t.WaitFor("connection");
        c.Reset();
        await t.WaitFor("done");
    });

    [Fact]
    public Task Socket_timeout() => Compare("socket-timeout", async t =>
    {
        var count = 0;
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            t.Log("connection timeout", Trace.Undef(sock.Timeout));
            var r = sock.SetTimeout(50);
            t.Log("setTimeout returned", ReferenceEquals(r, sock), sock.Timeout);
            sock.On<byte[]>("data", d => t.Log("data", Text(d)));
            sock.On("timeout", () =>
            {
                count++;
                t.Log("timeout", count, sock.ReadyState, sock.Destroyed);
                if (count == 1)
                {
                    // Four more idle periods: it must not fire again without activity.
                    Loop.SetTimeout(() => t.Log("after idle", count), 200);
                }
                else
                {
                    sock.SetTimeout(0);
                    t.Log("disabled", sock.Timeout);
                    sock.End();
                }
            });
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, count);
                server.Close(_ => t.Done());
            });
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server);
        await t.WaitFor("after idle");
        await c.SendAsync("ping");
        await t.WaitFor("done");
    });

    [Fact]
    public Task Socket_properties() => Compare("socket-properties", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            var port = PortOf(server);
            t.Log("remote", sock.RemoteAddress, sock.RemoteFamily);
            t.Log("local", sock.LocalAddress, sock.LocalFamily, sock.LocalPort == port);
            var a = (AddressInfo)sock.Address()!;
            t.Log("address()", a.Address, a.Family, a.Port == port);
            t.Log("bytes", sock.BytesRead, sock.BytesWritten);
            t.Log("state", sock.ReadyState, sock.Connecting, sock.Pending, sock.Destroyed, sock.Readable, sock.Writable);
            t.Log("options", sock.AllowHalfOpen, Trace.Undef(sock.Timeout), sock.ReadableHighWaterMark, sock.WritableHighWaterMark);
            t.Log("flow", sock.IsPaused(), sock.ReadableFlowing);
            t.Log("write returned", sock.Write("0123456789"));
            t.Log("bytesWritten after write", sock.BytesWritten);
            sock.On<byte[]>("data", d => t.Log("data", d.Length));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, sock.BytesRead, sock.BytesWritten, sock.RemoteAddress);
                server.Close(_ => t.Done());
            });
            sock.End();
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server, autoEnd: false);
        await c.Received;
        await c.EndAsync("abc");
        await t.WaitFor("done");
    });

    [Fact]
    public Task Destroy_with_error() => Compare("destroy-with-error", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            sock.On<Exception>("error", e => t.Log("error", e.Message, sock.Destroyed));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError);
                server.Close(_ => t.Done());
            });
            var r = sock.Destroy(new InvalidOperationException("boom"));
            t.Log("after destroy", ReferenceEquals(r, sock), sock.Destroyed, sock.ReadyState);
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server);
        await t.WaitFor("done");
    });

    [Fact]
    public Task Write_after_peer_end() => Compare("write-after-peer-end", async t =>
    {
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            sock.On<byte[]>("data", d => t.Log("data", Text(d)));
            sock.On("end", () => t.Log("end", sock.Writable));
            sock.On("finish", () =>
            {
                t.Log("finish", sock.Destroyed);
                var r = sock.Write("late", err => t.Log("write callback", Code(err), err?.Message));
                t.Log("write returned", r);
            });
            sock.On<Exception>("error", e => t.Log("error", Code(e), e.Message));
            sock.On<bool>("close", hadError =>
            {
                t.Log("close", hadError);
                server.Close(_ => t.Done());
            });
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var c = await NodePeer.ConnectAsync(server);
        await c.EndAsync("hello");
        await t.WaitFor("done");
    });
}
