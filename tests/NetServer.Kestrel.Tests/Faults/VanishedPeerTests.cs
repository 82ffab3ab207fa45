using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;

namespace NetServer.Kestrel.Tests.Faults;

/// <summary>
/// A peer that goes silent without FIN or RST (it neither sends nor reads): only the idle timeout can
/// notice. Node's recipe: <c>setTimeout(ms, () =&gt; socket.destroy())</c>.
/// </summary>
public sealed class VanishedPeerTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task The_idle_timeout_fires_and_destroying_the_silent_socket_frees_its_slot()
    {
        var events = new List<string>();
        var silentClosed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = true;
        var server = _t.CreateServer(sock =>
        {
            if (!first)
            {
                ServerTestHelpers.Echo(sock);
                return;
            }
            first = false;
            sock.SetTimeout(100, () =>
            {
                events.Add("timeout " + sock.ReadyState);
                sock.Destroy();
            });
            sock.On<Exception>("error", e => events.Add("error " + e.Message));
            sock.On<bool>("close", hadError =>
            {
                events.Add("close " + hadError);
                silentClosed.TrySetResult(hadError);
            });
        });
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        var connected = Await.Next<Socket>(server, "connection");
        await using var silent = await Client.ConnectAsync(server);
        await connected;
        await using var active = await Client.ConnectAsync(server);
        await ServerTestHelpers.AssertEchoes(active, "before");

        Assert.False(await silentClosed.Task.WithTimeout());
        Assert.Equal(["timeout open", "close False"], await _t.Run(() => events.ToList()));
        // The vanished side would see FIN if it ever came back; the other client is unaffected.
        Assert.Empty(await silent.ReadAllBytesAsync());
        await ServerTestHelpers.AssertEchoes(active, "after");
        Assert.Equal(1, await server.GetConnectionsAsync().WithTimeout());
        active.ShutdownSend();
        await server.CloseAsync().WithTimeout();
    }
}
