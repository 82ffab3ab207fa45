using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>
/// Client-socket scenarios (Node's <c>net.connect</c>): each twin of NodeScenarios/client-*.js runs
/// the script's synchronous blocks inside one loop callback (<c>_t.Run</c>), so listeners added right
/// after <c>Connect</c> see the same events as in Node, where nothing is emitted before the block ends.
/// Servers are NetServer servers on the same loop (their behaviour is covered by the other scenarios);
/// what the server observed is logged only where it is causally ordered with the client's events.
/// </summary>
public sealed partial class NodeDifferentialTests
{
    [Fact]
    public Task Client_connect_via_localhost() => Compare("client-localhost", async t =>
    {
        var server = _t.CreateServer(new ServerOptions { AllowHalfOpen = true }, sock =>
        {
            sock.On<byte[]>("data", d => sock.Write("echo:" + Text(d)));
            sock.On("end", () => _ = t.WaitFor("finish").ContinueWith(_ => sock.End(), TaskScheduler.Default));
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() =>
        {
            Socket c = null!;
            c = NetConnect(port, "localhost", () => t.Log("connect callback", c.Connecting));
            t.Log("after connect()", c.Connecting, c.Pending, c.ReadyState, Trace.Undef(c.RemoteAddress), Trace.Undef(c.RemotePort),
                Trace.Undef(c.LocalPort), c.BytesRead, c.BytesWritten, (object?)c.Server, Attempted(c));
            c.On<Exception?, string?, int?, string>("lookup", (err, address, family, host) => t.Log("lookup", err, address, family, host));
            c.On<string, int?, int?>("connectionAttempt", (ip, p, family) => t.Log("connectionAttempt", ip, p == port, family));
            c.On<string, int?, int?, Exception>("connectionAttemptFailed", (ip, _, _, e) => t.Log("connectionAttemptFailed (unexpected)", ip, Code(e)));
            c.On("connect", () =>
            {
                t.Log("connect", c.Connecting, c.Pending, c.ReadyState);
                t.Log("remote", c.RemoteAddress, c.RemotePort == port, c.RemoteFamily);
                t.Log("local", c.LocalAddress, c.LocalFamily, TypeOf(c.LocalPort), c.LocalPort > 0);
                t.Log("attempted", Attempted(c));
                c.Write("hello");
            });
            c.On("ready", () => t.Log("ready", c.ReadyState));
            c.On<byte[]>("data", d =>
            {
                t.Log("data", Text(d));
                c.End();
                t.Log("after end()", c.ReadyState, c.WritableEnded);
            });
            c.On("finish", () => t.Log("finish", c.ReadyState));
            c.On("end", () => t.Log("end", c.ReadyState));
            c.On<Exception>("error", e => t.Log("error (unexpected)", Code(e)));
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, c.Destroyed, c.ReadyState, c.BytesRead, c.BytesWritten, c.Connecting, c.Pending);
                server.Close(_ => t.Done());
            });
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_connect_by_ip_literal() => Compare("client-ip-literal", async t =>
    {
        var server = _t.CreateServer(sock => sock.End("hi:" + sock.RemotePort));
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);

        void Watch(Socket c, string name)
        {
            c.On("lookup", () => t.Log(name, "lookup (unexpected)"));
            c.On<string, int?, int?>("connectionAttempt", (ip, p, family) => t.Log(name, "connectionAttempt", ip, p == port, family));
            c.On("connect", () => t.Log(name, "connect", c.RemoteAddress, c.RemoteFamily, c.RemotePort == port));
            c.On("ready", () => t.Log(name, "ready"));
            c.On<byte[]>("data", d => t.Log(name, "data", Text(d) == "hi:" + c.LocalPort));
            c.On("end", () => t.Log(name, "end", c.ReadyState));
            c.On<bool>("close", hadError => t.Log(name, "close", hadError, c.BytesRead > 0));
        }

        await _t.Run(() =>
        {
            var a = NetConnect(new SocketConnectOptions { Port = port, Host = "127.0.0.1" }, () => t.Log("a", "connect callback"));
            t.Log("a", "after connect()", a.Connecting, a.ReadyState);
            Watch(a, "a");
        });
        await t.WaitFor("a close");

        await _t.Run(() =>
        {
            var b = NewClient();
            t.Log("b", "fresh", b.Connecting, b.Pending, b.ReadyState, b.Destroyed, Trace.Undef(b.RemoteAddress));
            var r = b.Connect(port, "127.0.0.1");
            t.Log("b", "connect returned itself", ReferenceEquals(r, b), b.Connecting, b.Pending, b.ReadyState);
            Watch(b, "b");
        });
        await t.WaitFor("b close");
        server.Close(_ => t.Done());
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_ECONNREFUSED() => Compare("client-econnrefused", async t =>
    {
        var port = await FreePortAsync();
        await _t.Run(() =>
        {
            var c = NetConnect(port, "127.0.0.1");
            c.Write("lost", err => t.Log("write callback", Code(err), err?.Message));
            c.Write("also lost", err => t.Log("second write callback", Code(err)));
            c.On<string, int?, int?>("connectionAttempt", (ip, p, family) => t.Log("connectionAttempt", ip, p == port, family));
            c.On<string, int?, int?, Exception>("connectionAttemptFailed", (ip, p, family, e) =>
                t.Log("connectionAttemptFailed", ip, p == port, family, Code(e), c.Connecting));
            c.On("connect", () => t.Log("connect (unexpected)"));
            c.On<Exception>("error", ex =>
            {
                var e = (INodeSystemError)ex;
                t.Log("error", e.Code, e.Errno, e.Syscall, e.Address, e.Port == port, ReplaceFirst(ex.Message, Port(port), "<port>"));
                t.Log("error state", c.Connecting, c.Destroyed, c.ReadyState, c.Pending, c.BytesWritten);
            });
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, c.Connecting, c.Destroyed, c.ReadyState, Trace.Undef(c.RemoteAddress), c.BytesRead);
                t.Done();
            });
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_ENOTFOUND() => Compare("client-enotfound", async t =>
    {
        void Watch(string name, Socket c)
        {
            Exception? lookupError = null;
            c.On<Exception?, string?, int?, string>("lookup", (err, address, family, host) =>
            {
                lookupError = err;
                t.Log(name, "lookup", Code(err), Undef(address), Undef(family), host, c.Connecting);
            });
            c.On("connectionAttempt", () => t.Log(name, "connectionAttempt (unexpected)"));
            c.On("connect", () => t.Log(name, "connect (unexpected)"));
            c.On<Exception>("error", ex =>
            {
                var e = (INodeSystemError)ex;
                t.Log(name, "error", e.Code, e.Errno, e.Syscall, Undef((ex as NodeSystemError)?.Hostname), Undef(e.Address), Undef(e.Port), ex.Message);
                t.Log(name, "error state", ReferenceEquals(ex, lookupError), c.Connecting, c.Destroyed, c.ReadyState);
            });
            c.On<bool>("close", hadError => t.Log(name, "close", hadError, c.ReadyState));
        }

        await _t.Run(() => Watch("all", NetConnect(80, "nosuch.invalid")));
        await t.WaitFor("all close");
        await _t.Run(() => Watch("v4", NetConnect(new SocketConnectOptions { Port = 80, Host = "nosuch.invalid", Family = 4 })));
        await t.WaitFor("v4 close");
        t.Done();
    });

    [Fact]
    public Task Client_writes_before_connect_are_queued() => Compare("client-write-before-connect", async t =>
    {
        var received = new StringBuilder();
        var server = _t.CreateServer(sock =>
        {
            sock.On<byte[]>("data", d => received.Append(Text(d)));
            sock.On("end", () => t.Log("server got", received.ToString()));
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() =>
        {
            Socket c = null!;
            c = NetConnect(port, "127.0.0.1");
            t.Log("write a", c.Write("a", err => t.Log("callback a", err, c.Connecting)));
            t.Log("queued", c.WritableLength, c.BytesWritten, c.Connecting, c.WritableNeedDrain);
            t.Log("write bc", c.Write(Encoding.UTF8.GetBytes("bc"), err => t.Log("callback bc", err)));
            t.Log("write def", c.Write("def", err =>
            {
                t.Log("callback def", err);
                Loop.NextTick(() =>
                {
                    t.Log("flushed", c.WritableLength, c.BytesWritten);
                    c.End();
                });
            }));
            t.Log("queued", c.WritableLength, c.BytesWritten, c.Connecting);
            c.On("connect", () => t.Log("connect", c.WritableLength, c.BytesWritten));
            c.On("drain", () => t.Log("drain (unexpected)"));
            c.On("end", () => t.Log("end"));
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, c.BytesWritten);
                server.Close(_ => t.Done());
            });
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_end_before_connect() => Compare("client-end-before-connect", async t =>
    {
        var received = new StringBuilder();
        var server = _t.CreateServer(new ServerOptions { AllowHalfOpen = true }, sock =>
        {
            sock.On<byte[]>("data", d => received.Append(Text(d)));
            sock.On("end", () => _ = t.WaitFor("finish").ContinueWith(_ => sock.End("got:" + received), TaskScheduler.Default));
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() =>
        {
            Socket c = null!;
            c = NetConnect(port, "127.0.0.1");
            var r = c.End("early", () => t.Log("end callback", c.ReadyState));
            t.Log("after end()", ReferenceEquals(r, c), c.Connecting, c.ReadyState, c.Writable, c.WritableEnded, c.WritableFinished, c.WritableLength);
            c.On("connect", () => t.Log("connect", c.ReadyState, c.WritableEnded));
            c.On("finish", () => t.Log("finish", c.ReadyState, c.WritableFinished));
            c.On<byte[]>("data", d => t.Log("data", Text(d)));
            c.On("end", () => t.Log("end", c.ReadyState));
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, c.BytesRead, c.BytesWritten);
                server.Close(_ => t.Done());
            });
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_destroy_before_connect() => Compare("client-destroy-before-connect", async t =>
    {
        var connections = 0;
        var server = _t.CreateServer(sock =>
        {
            connections++;
            sock.End();
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);

        void DestroyEarly(string name, Socket c)
        {
            c.Write("x", err => t.Log(name, "write callback", Code(err)));
            c.Write("y", err => t.Log(name, "second write callback", Code(err)));
            foreach (var e in EarlyEvents)
            {
                c.On(e, () => t.Log(name, e, "(unexpected)"));
            }
            c.On<bool>("close", hadError => t.Log(name, "close", hadError, c.Destroyed, c.Connecting, c.ReadyState, c.BytesWritten));
            var r = c.Destroy();
            t.Log(name, "after destroy()", ReferenceEquals(r, c), c.Destroyed, c.Connecting, c.ReadyState, c.Pending);
        }

        await _t.Run(() => DestroyEarly("ip", NetConnect(port, "127.0.0.1")));
        await t.WaitFor("ip close");
        await _t.Run(() => DestroyEarly("name", NetConnect(port, "localhost")));
        await t.WaitFor("name close");
        await _t.Run(() =>
        {
            var live = NetConnect(port, "127.0.0.1");
            live.Resume();
            live.On("close", () =>
            {
                t.Log("live closed, server connections", connections);
                server.Close(_ => t.Done());
            });
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_unix_path() => Compare("client-unix", async t =>
    {
        var p = TmpPath("client.sock");
        var missing = TmpPath("missing.sock");
        var server = _t.CreateServer(sock => sock.On<byte[]>("data", d => sock.End("echo:" + Text(d))));

        void Watch(string name, Socket c, string path)
        {
            c.On("lookup", () => t.Log(name, "lookup (unexpected)"));
            c.On<string, int?, int?>("connectionAttempt", (ip, port, family) => t.Log(name, "connectionAttempt", ip == path, Undef(port), Undef(family)));
            c.On<string, int?, int?, Exception>("connectionAttemptFailed", (ip, port, family, e) =>
                t.Log(name, "connectionAttemptFailed", ip == path, Undef(port), Undef(family), Code(e)));
            c.On("connect", () =>
            {
                t.Log(name, "connect", Undef(c.RemoteAddress), Undef(c.RemotePort), Undef(c.RemoteFamily), Undef(c.LocalAddress), Undef(c.LocalPort), c.ReadyState);
                c.Write("ping");
            });
            c.On<byte[]>("data", d => t.Log(name, "data", Text(d)));
            c.On("end", () => t.Log(name, "end"));
            c.On<Exception>("error", ex =>
            {
                var e = (INodeSystemError)ex;
                t.Log(name, "error", e.Code, e.Errno, e.Syscall, e.Address == path, Undef(e.Port), ex.Message == "connect ENOENT " + path);
            });
            c.On<bool>("close", hadError => t.Log(name, "close", hadError, c.ReadyState));
        }

        await server.ListenAsync(new ServerListenOptions { Path = p });
        await _t.Run(() =>
        {
            var c = NetConnect(p, () => t.Log("live", "connect callback"));
            t.Log("live", "after connect()", c.Connecting, c.ReadyState);
            Watch("live", c, p);
        });
        await t.WaitFor("live close");
        await _t.Run(() =>
        {
            var m = NewClient();
            Watch("missing", m, missing);
            m.Connect(new SocketConnectOptions { Path = missing });
            t.Log("missing", "after connect()", m.Connecting, m.ReadyState);
        });
        await t.WaitFor("missing close");
        server.Close(_ => t.Done());
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_timeout_without_an_answer() => Compare("client-timeout", async t =>
    {
        var server = _t.CreateServer(_ => { });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);

        void Watch(string name, Socket c)
        {
            c.On("connect", () => t.Log(name, "connect", c.Timeout));
            c.On("timeout", () =>
            {
                t.Log(name, "timeout", c.ReadyState, c.Destroyed, c.Connecting);
                c.Destroy();
            });
            c.On<bool>("close", hadError => t.Log(name, "close", hadError, c.Timeout));
        }

        await _t.Run(() =>
        {
            var a = NetConnect(new SocketConnectOptions { Port = port, Host = "127.0.0.1", Timeout = 60 });
            t.Log("a", "after connect()", a.Timeout);
            Watch("a", a);
        });
        await t.WaitFor("a close");
        await _t.Run(() =>
        {
            var b = NewClient();
            var r = b.SetTimeout(60, () => t.Log("b", "setTimeout callback"));
            t.Log("b", "setTimeout before connect", ReferenceEquals(r, b), b.Timeout);
            Watch("b", b);
            b.Connect(port, "127.0.0.1");
        });
        await t.WaitFor("b close");
        server.Close(_ => t.Done());
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_allow_half_open() => Compare("client-allow-half-open", async t =>
    {
        var received = new StringBuilder();
        var serverEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(new ServerOptions { AllowHalfOpen = true }, sock =>
        {
            sock.On<byte[]>("data", d => received.Append(Text(d)));
            sock.On("end", () => serverEnd.TrySetResult());
            sock.End("bye");
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() =>
        {
            var c = NetConnect(new SocketConnectOptions { Port = port, Host = "127.0.0.1", AllowHalfOpen = true });
            t.Log("allowHalfOpen", c.AllowHalfOpen);
            c.On<byte[]>("data", d => t.Log("data", Text(d)));
            c.On("end", () =>
            {
                t.Log("end", c.ReadyState, c.Writable, c.Readable);
                Loop.SetImmediate(() =>
                {
                    t.Log("still", c.ReadyState, c.Destroyed);
                    t.Log("write returned", c.Write("late,"));
                    c.End("done", () => t.Log("end callback"));
                });
            });
            c.On("finish", () => t.Log("finish", c.ReadyState));
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, c.BytesRead, c.BytesWritten);
                _ = serverEnd.Task.ContinueWith(_ =>
                {
                    t.Log("server received", received.ToString());
                    server.Close(_ => t.Done());
                }, TaskScheduler.Default);
            });
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_sees_the_server_reset() => Compare("client-server-reset", async t =>
    {
        var server = _t.CreateServer(sock =>
        {
            sock.On<byte[]>("data", _ => sock.ResetAndDestroy());
            sock.On<Exception>("error", _ => { });
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() =>
        {
            var c = NetConnect(port, "127.0.0.1");
            c.On("connect", () =>
            {
                t.Log("connect");
                c.Write("hello");
            });
            c.On<byte[]>("data", d => t.Log("data (unexpected)", Text(d)));
            c.On("end", () => t.Log("end (unexpected)"));
            c.On<Exception>("error", ex =>
            {
                var e = (INodeSystemError)ex;
                t.Log("error", e.Code, e.Errno, e.Syscall, Undef(e.Address), Undef(e.Port), ex.Message, c.Destroyed);
            });
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, c.ReadyState, c.BytesWritten);
                server.Close(_ => t.Done());
            });
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_local_address_and_family() => Compare("client-local-address-family", async t =>
    {
        int? lastRemotePort = null;
        var server = _t.CreateServer(sock =>
        {
            lastRemotePort = sock.RemotePort;
            sock.End();
        });
        var server6 = _t.CreateServer(sock => sock.End(sock.RemoteAddress + " " + sock.RemoteFamily));

        void Watch(string name, Socket c, Func<object?[]>? extra = null)
        {
            c.On<Exception?, string?, int?, string>("lookup", (err, address, family, host) => t.Log(name, "lookup", Code(err), Undef(address), Undef(family), host));
            c.On<string, int?, int?>("connectionAttempt", (ip, _, family) => t.Log(name, "connectionAttempt", ip, family));
            c.On("connect", () => t.Log([name, "connect", c.LocalAddress, c.LocalFamily, c.RemoteAddress, c.RemoteFamily, .. extra is null ? [] : extra()]));
            c.On<byte[]>("data", d => t.Log(name, "data", Text(d)));
            c.On<Exception>("error", e => t.Log(name, "error", Code(e), (e as INodeSystemError)?.Syscall, (e as NodeSystemError)?.Hostname, e.Message));
            c.On<bool>("close", hadError => t.Log(name, "close", hadError));
            c.Resume();
        }

        var freePort = await FreePortAsync();
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() =>
        {
            var a = NetConnect(new SocketConnectOptions { Port = port, Host = "127.0.0.1", LocalAddress = "127.0.0.1", LocalPort = freePort });
            Watch("bound", a, () => [a.LocalPort == freePort]);
        });
        await t.WaitFor("bound close");
        await _t.Run(() => t.Log("bound", "server saw the bound port", lastRemotePort == freePort));

        await _t.Run(() =>
        {
            var b = NetConnect(new SocketConnectOptions { Port = port, LocalAddress = "127.0.0.1" });
            Watch("address-only", b, () => [b.LocalPort > 0]);
        });
        await t.WaitFor("address-only close");

        await _t.Run(() => Watch("family4", NetConnect(new SocketConnectOptions { Port = port, Host = "localhost", Family = 4 })));
        await t.WaitFor("family4 close");

        await _t.Run(() => Watch("family6", NetConnect(new SocketConnectOptions { Port = port, Host = "localhost", Family = 6 })));
        await t.WaitFor("family6 close");

        await server6.ListenAsync(0, "::1");
        var port6 = PortOf(server6);
        await _t.Run(() => Watch("v6", NetConnect(new SocketConnectOptions { Port = port6, Host = "::1", Family = 6 })));
        await t.WaitFor("v6 close");
        await server6.CloseAsync();
        server.Close(_ => t.Done());
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_autoselect_family_with_one_address() => Compare("client-autoselect-family", async t =>
    {
        var server = _t.CreateServer(sock => sock.End());

        void Watch(string name, Socket c)
        {
            c.On<Exception?, string?, int?, string>("lookup", (err, address, family, host) => t.Log(name, "lookup", err, Undef(address), Undef(family), host));
            c.On<string, int?, int?>("connectionAttempt", (ip, _, family) => t.Log(name, "connectionAttempt", ip, family));
            c.On<string, int?, int?, Exception>("connectionAttemptFailed", (ip, _, family, e) => t.Log(name, "connectionAttemptFailed", ip, family, Code(e)));
            c.On("connectionAttemptTimeout", () => t.Log(name, "connectionAttemptTimeout (unexpected)"));
            c.On("connect", () => t.Log(name, "connect", c.RemoteAddress, Attempted(c)));
            c.On<Exception>("error", e => t.Log(name, "error", Code(e), e is AggregateException, Regex.Replace(e.Message, @":\d+$", ":<port>")));
            c.On<bool>("close", hadError => t.Log(name, "close", hadError, Attempted(c)));
            c.Resume();
        }

        var closedPort = await FreePortAsync();
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() => Watch("auto", NetConnect(new SocketConnectOptions
        {
            Port = port, Host = "localhost", AutoSelectFamily = true, AutoSelectFamilyAttemptTimeout = 10,
        })));
        await t.WaitFor("auto close");
        await _t.Run(() => Watch("off", NetConnect(new SocketConnectOptions { Port = port, Host = "localhost", AutoSelectFamily = false })));
        await t.WaitFor("off close");
        await _t.Run(() => Watch("default", NetConnect(port, "localhost")));
        await t.WaitFor("default close");
        await _t.Run(() => Watch("refused", NetConnect(new SocketConnectOptions { Port = closedPort, Host = "localhost", AutoSelectFamily = true })));
        await t.WaitFor("refused close");
        server.Close(_ => t.Done());
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_autoselect_family_across_both_families() => Compare("client-autoselect-lookup", async t =>
    {
        var server = _t.CreateServer(sock => sock.End());

        // Node's custom lookup answers on a later turn (setImmediate), as dns.lookup does.
        static async Task<IPAddress[]> Dual(string host, CancellationToken ct)
        {
            await Task.Yield();
            return [IPAddress.IPv6Loopback, IPAddress.Loopback];
        }

        void Watch(string name, Socket c, int port)
        {
            string P(string s) => s.Replace(Port(port), "<port>", StringComparison.Ordinal);
            c.On<Exception?, string?, int?, string>("lookup", (err, address, family, host) => t.Log(name, "lookup", err, Undef(address), Undef(family), host));
            c.On<string, int?, int?>("connectionAttempt", (ip, q, family) => t.Log(name, "connectionAttempt", ip, q == port, family));
            c.On<string, int?, int?, Exception>("connectionAttemptFailed", (ip, q, family, e) =>
                t.Log(name, "connectionAttemptFailed", ip, q == port, family, Code(e), P(e.Message)));
            c.On("connectionAttemptTimeout", () => t.Log(name, "connectionAttemptTimeout (unexpected)"));
            c.On("connect", () => t.Log(name, "connect", c.RemoteAddress, c.RemoteFamily));
            c.On<Exception>("error", e =>
            {
                var inner = (e as AggregateException)?.InnerExceptions;
                t.Log(name, "error", e is AggregateException ? "AggregateError" : "Error", Code(e), Trace.Json(P(e.Message)), Undef(inner?.Count));
                foreach (var x in inner ?? [])
                {
                    var s = (INodeSystemError)x;
                    t.Log(name, "inner", s.Code, s.Errno, s.Syscall, s.Address, s.Port == port, P(x.Message));
                }
            });
            c.On<bool>("close", hadError => t.Log(name, "close", hadError, P(Attempted(c))));
            c.Resume();
        }

        var closedPort = await FreePortAsync();
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() => Watch("v4 only", NetConnect(new SocketConnectOptions { Port = port, Host = "dual.test", Lookup = Dual }), port));
        await t.WaitFor("v4 only close");
        await _t.Run(() => Watch("none", NetConnect(new SocketConnectOptions { Port = closedPort, Host = "dual.test", Lookup = Dual }), closedPort));
        await t.WaitFor("none close");
        await _t.Run(() => Watch("no autoselect", NetConnect(new SocketConnectOptions
        {
            Port = port, Host = "dual.test", Lookup = Dual, AutoSelectFamily = false,
        }), port));
        await t.WaitFor("no autoselect close");
        server.Close(_ => t.Done());
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_abort_signal() => Compare("client-abort-signal", async t =>
    {
        var server = _t.CreateServer(sock => sock.On<Exception>("error", _ => { }));
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);

        void Watch(string name, Socket c)
        {
            c.On("connect", () => t.Log(name, "connect"));
            c.On<Exception>("error", e => t.Log(name, "error", Kind(e), Code(e), e.Message, c.Destroyed));
            c.On<bool>("close", hadError => t.Log(name, "close", hadError, c.ReadyState));
        }

        // Cancel() runs on the loop thread, as ac.abort() runs in Node's only thread.
        using var ac = new CancellationTokenSource();
        await _t.Run(() =>
        {
            var a = NetConnect(new SocketConnectOptions { Port = port, Host = "127.0.0.1", Signal = ac.Token });
            Watch("connecting", a);
            ac.Cancel();
            t.Log("connecting", "after abort()", a.Destroyed, a.Connecting);
        });
        await t.WaitFor("connecting close");

        using var acr = new CancellationTokenSource();
        await _t.Run(() =>
        {
            var r = NetConnect(new SocketConnectOptions { Port = port, Signal = acr.Token });
            Watch("resolving", r);
            r.On("lookup", () => t.Log("resolving", "lookup (unexpected)"));
            acr.Cancel();
        });
        await t.WaitFor("resolving close");

        using var ac2 = new CancellationTokenSource();
        Socket c = null!;
        await _t.Run(() =>
        {
            c = NetConnect(new SocketConnectOptions { Port = port, Host = "127.0.0.1", Signal = ac2.Token });
            Watch("open", c);
        });
        await t.WaitFor("open connect");
        await _t.Run(() =>
        {
            ac2.Cancel();
            t.Log("open", "after abort()", c.Destroyed);
        });
        await t.WaitFor("open close");
        server.Close(_ => t.Done());
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_connect_argument_errors() => Compare("client-connect-validation", async t =>
    {
        void Attempt(string name, Func<Socket> fn)
        {
            try
            {
                var s = fn();
                t.Log(name, "no throw", s.Connecting);
                s.Destroy();
            }
            catch (Exception e)
            {
                t.Log(name, Kind(e), Code(e), e.Message);
            }
        }

        Socket s = null!;
        await _t.Run(() =>
        {
            Attempt("port -1", () => NetConnect(-1));
            Attempt("port 65536", () => NetConnect(65536, "127.0.0.1"));
            Attempt("options port -1", () => NetConnect(new SocketConnectOptions { Port = -1, Host = "127.0.0.1" }));
            Attempt("options port 65536", () => NetConnect(new SocketConnectOptions { Port = 65536 }));
            Attempt("empty options", () => NetConnect(new SocketConnectOptions()));
            Attempt("socket empty options", () => NewClient().Connect(new SocketConnectOptions()));
            Attempt("bad localAddress", () => NetConnect(new SocketConnectOptions { Port = 80, Host = "127.0.0.1", LocalAddress = "nope" }));
            Attempt("autoSelectFamilyAttemptTimeout 0", () =>
                NetConnect(new SocketConnectOptions { Port = 80, Host = "localhost", AutoSelectFamilyAttemptTimeout = 0 }));
            Attempt("host with NUL", () => NetConnect(80, "a\0b"));
            s = NewClient();
            Attempt("socket port 70000", () => s.Connect(70000, "127.0.0.1"));
            t.Log("socket after throw", s.Destroyed);
        });
        t.Done();
        // Node's process exits here; the socket the throwing connect left behind is ours to free.
        await _t.Run(() => s.Destroy());
    });

    [Fact]
    public Task Client_isIP_table() => Compare("client-isip", t =>
    {
        string[] inputs =
        [
            "127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.0", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
            "0x7f.0.0.1", "127.1", " 1.2.3.4", "1.2.3.4 ", "", "localhost", "::", "::1", "1::", "1::2::3",
            "fe80::1%eth0", "fe80::1%", "[::1]", "::ffff:127.0.0.1", "::ffff:256.0.0.1", "::1.2.3.4",
            "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "abcd:EF01:2345:6789:abcd:ef01:2345:6789",
            "12345::1", "g::1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3",
        ];
        foreach (var s in inputs)
        {
            t.Log(Trace.Json(s), Net.IsIP(s), Net.IsIPv4(s), Net.IsIPv6(s));
        }
        t.Done();
        return Task.CompletedTask;
    });

    [Fact]
    public Task Client_reconnect_after_close() => Compare("client-reconnect", async t =>
    {
        var server = _t.CreateServer(sock => sock.End("srv"));
        var closedPort = await FreePortAsync();
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() =>
        {
            var c = NewClient();
            var attempts = 0;
            c.On<string, int?, int?>("connectionAttempt", (_, p, _) =>
                t.Log("connectionAttempt", p == closedPort ? "closed port" : p == port ? "server port" : Undef(p)));
            c.On<Exception>("error", e => t.Log("error", Code(e)));
            c.On("connect", () => t.Log("connect", c.ReadyState, c.Destroyed));
            c.On<byte[]>("data", d => t.Log("data", Text(d)));
            c.On("end", () => t.Log("end"));
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, c.Destroyed, c.ReadyState, c.BytesRead);
                if (++attempts == 1)
                {
                    c.Connect(port, "127.0.0.1", () => t.Log("connect callback"));
                    t.Log("after reconnect()", c.Connecting, c.Destroyed, c.ReadyState, c.Pending);
                }
                else
                {
                    server.Close(_ => t.Done());
                }
            });
            c.Connect(closedPort, "127.0.0.1");
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_pause_before_connect() => Compare("client-pause-before-connect", async t =>
    {
        var server = _t.CreateServer(sock =>
            _ = t.WaitFor("connect").ContinueWith(_ => sock.End("early data", () => t.Log("server finished")), TaskScheduler.Default));
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        Socket c = null!;
        await _t.Run(() =>
        {
            c = NewClient();
            c.Pause();
            t.Log("paused before connect", c.IsPaused(), c.ReadableFlowing);
            c.Connect(port, "127.0.0.1");
            c.On("connect", () => t.Log("connect", c.IsPaused()));
            c.On<byte[]>("data", d => t.Log("data", Text(d), c.IsPaused()));
            c.On("end", () => t.Log("end"));
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError);
                server.Close(_ => t.Done());
            });
        });
        await t.WaitFor("server finished");
        await _t.Run(() =>
        {
            t.Log("before resume", c.ReadableLength, c.BytesRead);
            c.Resume();
            t.Log("resumed", c.IsPaused(), c.ReadableFlowing);
        });
        await t.WaitFor("done");
    });

    [Fact]
    public Task Client_big_write_before_connect() => Compare("client-big-write-before-connect", async t =>
    {
        const int Size = 1024 * 1024;
        long received = 0;
        var server = _t.CreateServer(sock =>
        {
            sock.On<byte[]>("data", d => received += d.Length);
            sock.On("end", () => t.Log("server received", received));
        });
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await _t.Run(() =>
        {
            var c = NetConnect(port, "127.0.0.1");
            c.On("connect", () => t.Log("connect"));
            var r = c.Write(Enumerable.Repeat((byte)7, Size).ToArray());
            t.Log("write returned", r, c.WritableNeedDrain, c.WritableLength, c.WritableHighWaterMark, c.BytesWritten);
            c.On("drain", () =>
            {
                t.Log("drain", c.WritableLength, c.WritableNeedDrain, c.BytesWritten);
                c.End();
            });
            c.On("end", () => t.Log("end"));
            c.On<bool>("close", hadError =>
            {
                t.Log("close", hadError, c.BytesWritten);
                server.Close(_ => t.Done());
            });
        });
        await t.WaitFor("done");
    });

    /// <summary>Every event but 'close' that a socket destroyed while connecting must not emit.</summary>
    private static readonly string[] EarlyEvents = ["lookup", "connectionAttempt", "connect", "ready", "end", "finish", "error"];

    /// <summary>A client socket on the test's loop (<c>new net.Socket()</c>), so its errors are captured, not fatal.</summary>
    private Socket NewClient(SocketOptions? options = null)
    {
        options ??= new SocketOptions();
        options.Loop = Loop;
        return new Socket(options);
    }

    /// <summary>
    /// Node's <c>net.connect(options[, cb])</c> on the test's loop, built as lib/net.js builds it:
    /// <c>new Socket(options)</c>, <c>setTimeout(options.timeout)</c> if set, then <c>socket.connect(options)</c>.
    /// (<see cref="Net.Connect(SocketConnectOptions, Action?)"/> itself uses the default loop; the
    /// ClientBehaviour tests cover it.)
    /// </summary>
    private Socket NetConnect(SocketConnectOptions options, Action? cb = null)
    {
        var socket = NewClient(new SocketOptions
        {
            AllowHalfOpen = options.AllowHalfOpen,
            NoDelay = options.NoDelay,
            KeepAlive = options.KeepAlive,
            KeepAliveInitialDelay = options.KeepAliveInitialDelay,
            Signal = options.Signal,
        });
        if (options.Timeout is > 0)
        {
            socket.SetTimeout(options.Timeout.Value);
        }
        return socket.Connect(options, cb);
    }

    /// <summary>Node's <c>net.connect(port[, host][, cb])</c> on the test's loop.</summary>
    private Socket NetConnect(int port, string? host = null, Action? cb = null) => NewClient().Connect(port, host, cb);

    /// <summary>Node's <c>net.connect(path[, cb])</c> on the test's loop.</summary>
    private Socket NetConnect(string path, Action? cb = null) => NewClient().Connect(path, cb);

    /// <summary>A port nothing listens on: a server's port 0 pick, closed again (as the scripts do).</summary>
    private async Task<int> FreePortAsync()
    {
        var probe = _t.CreateServer();
        await probe.ListenAsync(0, "127.0.0.1");
        var port = PortOf(probe);
        await probe.CloseAsync();
        return port;
    }

    /// <summary>JS <c>String(socket.autoSelectFamilyAttemptedAddresses)</c>: the list joined by commas, or undefined.</summary>
    private static string Attempted(Socket s) =>
        s.AutoSelectFamilyAttemptedAddresses is { } list ? string.Join(',', list) : "undefined";

    private static object Undef(object? value) => Trace.Undef(value);

    private static string TypeOf(int? value) => value is null ? "undefined" : "number";

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>JS <c>String.prototype.replace</c> with a string pattern: the first occurrence only.</summary>
    private static string ReplaceFirst(string s, string what, string with)
    {
        var i = s.IndexOf(what, StringComparison.Ordinal);
        return i < 0 ? s : string.Concat(s.AsSpan(0, i), with, s.AsSpan(i + what.Length));
    }
}
