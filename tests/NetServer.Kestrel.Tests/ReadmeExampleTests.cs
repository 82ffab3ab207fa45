using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests;

public sealed class ReadmeExampleTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Goodbye_server_on_default_host_answers_over_ipv6_loopback()
    {
        var server = _t.CreateServer(socket => socket.End("goodbye\n"));
        var listening = Await.Next(server, "listening");
        server.Listen(0);
        await listening;
        var address = Assert.IsType<AddressInfo>(server.Address());
        Assert.Equal("::", address.Address);
        Assert.Equal("IPv6", address.Family);
        Assert.Equal($"{{ address: '::', family: 'IPv6', port: {address.Port} }}", address.ToString());

        await using (var client = await Client.ConnectAsync(IPAddress.IPv6Loopback, address.Port))
        {
            Assert.Equal("goodbye\n", await client.ReadToEndAsync());
        }

        // "close" waits for the connection, which ends once the client closes its side too.
        await server.CloseAsync().WithTimeout();
        Assert.Empty(_t.Uncaught);
    }
}
