// A TCP proxy: every connection to endpoint "proxy" is forwarded to Proxy:Upstream, bytes and
// half-closes both ways. The forwarding is Node's `c.pipe(u).pipe(c)` (ProxyHandler.cs).
//   dotnet run --project samples/TcpProxy    127.0.0.1:7100 -> 127.0.0.1:7000 (EchoHost's "echo")
//   Proxy__Upstream=/tmp/netserver-echo.sock NetServer__Endpoints__proxy__Port=7101 dotnet run --project samples/TcpProxy
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TcpProxy;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    // appsettings.json is copied next to the binary, so the sample runs from any directory.
    ContentRootPath = AppContext.BaseDirectory,
});

// Checked here, before anything listens: a proxy with nowhere to forward to should not start.
builder.Services.AddSingleton(UpstreamAddress.Parse(builder.Configuration["Proxy:Upstream"]));
builder.Services.AddNetServer().MapEndpoint<ProxyHandler>("proxy");

await builder.Build().RunAsync();
