using System.Text;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.ServerBehaviour;

namespace NetServer.Kestrel.Tests.Faults;

/// <summary>
/// A <c>data</c> listener that throws: the exception reaches the loop's <c>uncaughtException</c>, and,
/// as in Node 24 with a <c>process.on('uncaughtException')</c> handler, that same socket keeps
/// delivering data and every other connection keeps being served.
/// </summary>
public sealed class ThrowingListenerTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_throwing_data_listener_goes_to_uncaughtException_and_serving_goes_on()
    {
        var thrown = 0;
        var server = _t.CreateServer(sock => sock.On<byte[]>("data", d =>
        {
            var text = Encoding.UTF8.GetString(d);
            if (text == "boom")
            {
                thrown++;
                throw new InvalidOperationException("listener failed on " + text);
            }
            sock.Write("echo:" + text);
        }));
        var closes = 0;
        server.On("close", () => closes++);
        await _t.ListenOnLoop(server, s => s.Listen(0, "127.0.0.1"));
        await using var victim = await Client.ConnectAsync(server);
        await using var bystander = await Client.ConnectAsync(server);

        var uncaught = Await.Next<Exception>(_t.Loop, "uncaughtException");
        await victim.SendAsync("boom");
        Assert.Equal("listener failed on boom", Assert.IsType<InvalidOperationException>(await uncaught).Message);

        // The socket whose listener threw is still open and flowing; the other one never noticed.
        await victim.SendAsync("two");
        Assert.Equal("echo:two", await victim.ReadStringAsync("echo:two".Length));
        await bystander.SendAsync("three");
        Assert.Equal("echo:three", await bystander.ReadStringAsync("echo:three".Length));
        Assert.True(server.Listening);
        Assert.Equal(2, await server.GetConnectionsAsync().WithTimeout());

        victim.ShutdownSend();
        bystander.ShutdownSend();
        Assert.Empty(await victim.ReadAllBytesAsync());
        Assert.Empty(await bystander.ReadAllBytesAsync());
        await server.CloseAsync().WithTimeout();
        await _t.Flush();
        Assert.Equal((1, 1), await _t.Run(() => (thrown, closes)));
        Assert.Single(_t.Uncaught);
    }
}
