using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>Fault scenarios whose proof is Node's event order.</summary>
public sealed partial class NodeDifferentialTests
{
    [Fact]
    public Task Close_inside_the_connection_listener() => Compare("close-in-connection", async t =>
    {
        var closes = 0;
        Server server = null!;
        server = _t.CreateServer(sock =>
        {
            server.Close(err => t.Log("close callback", err is null ? "no error" : Code(err)));
            t.Log("connection", "listening", server.Listening);
            sock.On<byte[]>("data", d =>
            {
                t.Log("data", Text(d));
                sock.Write("echo:" + Text(d));
            });
            sock.On("end", () => t.Log("end"));
            sock.On<bool>("close", hadError => t.Log("socket close", hadError));
        });
        server.On("close", () => t.Log("server close event", ++closes));
        await server.ListenAsync(0, "127.0.0.1");
        var port = PortOf(server);
        await using var c = await Client.ConnectAsync(server);
        await t.WaitFor("connection");
        await RefusedThenLiveEchoAsync(t, c, port);
        await _t.Run(() => { });
        await _t.Run(() => t.Log("close events", closes));
        t.Done();
    });
}
