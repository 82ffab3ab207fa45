using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>UseNetServer: the same adapter as connection middleware on a Kestrel the user runs.</summary>
public sealed class UseNetServerTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    /// <summary>A user's Kestrel on a free loopback port whose one endpoint hands its connections to <paramref name="server"/>.</summary>
    internal static async Task<(WebApplication App, int Port)> StartKestrel(Server server)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0, lo => lo.UseNetServer(server)));
        var app = builder.Build();
        await app.StartAsync().WaitAsync(TestLoop.Timeout);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var port = new Uri(Assert.Single(addresses)).Port;
        return (app, port);
    }

    [Fact]
    public async Task Connections_of_a_user_kestrel_reach_the_server_and_echo()
    {
        var seen = new TaskCompletionSource<(string?, string?, int?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = _t.CreateServer(socket =>
        {
            seen.TrySetResult((socket.RemoteAddress, socket.RemoteFamily, socket.LocalPort));
            ServerTestHelpers.Echo(socket);
        });
        var (app, port) = await StartKestrel(server);
        await using (app)
        {
            await using (var client = await Client.ConnectAsync(IPAddress.Loopback, port))
            {
                await ServerTestHelpers.AssertEchoes(client, "through kestrel");
                Assert.Equal(("127.0.0.1", "IPv4", port), await seen.Task.WaitAsync(TestLoop.Timeout));
                Assert.Equal(1, await server.GetConnectionsAsync().WithTimeout());
                client.ShutdownSend();
                Assert.Equal("", await client.ReadToEndAsync());
            }
            Assert.False(server.Listening);
            Assert.Null(server.Address());
            await app.StopAsync().WaitAsync(TestLoop.Timeout);
        }
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task MaxConnections_and_drop_work_on_a_user_kestrel()
    {
        var connections = 0;
        var server = _t.CreateServer(socket =>
        {
            connections++;
            ServerTestHelpers.Echo(socket);
        });
        server.MaxConnections = 1;
        var (app, port) = await StartKestrel(server);
        await using (app)
        {
            var accepted = Await.Next<Socket>(server, "connection");
            await using var first = await Client.ConnectAsync(IPAddress.Loopback, port);
            await accepted;
            var drop = Await.Next<DropArgument?>(server, "drop");
            await using (var second = await Client.ConnectAsync(IPAddress.Loopback, port))
            {
                Assert.Equal("", await second.ReadToEndAsync());
                var d = Assert.IsType<DropArgument>(await drop);
                Assert.Equal("127.0.0.1", d.LocalAddress);
                Assert.Equal(port, d.LocalPort);
                Assert.Equal("IPv4", d.LocalFamily);
                Assert.Equal("127.0.0.1", d.RemoteAddress);
                Assert.Equal(((IPEndPoint)second.Socket.LocalEndPoint!).Port, d.RemotePort);
                Assert.Equal("IPv4", d.RemoteFamily);
            }
            await ServerTestHelpers.AssertEchoes(first, "first still served");
            Assert.Equal(1, await server.GetConnectionsAsync().WithTimeout());
            Assert.Equal(1, connections);
            first.ShutdownSend();
            Assert.Equal("", await first.ReadToEndAsync());
            await app.StopAsync().WaitAsync(TestLoop.Timeout);
        }
    }
}
