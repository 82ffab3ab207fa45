// Echo on every endpoint of the repository's appsettings.json: TCP "echo" and Unix socket "ipc".
// Ctrl+C or SIGTERM stops gracefully: servers close, live connections get the shutdown timeout, the socket file is removed.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    // appsettings.json is copied next to the binary, so `dotnet run --project samples/EchoHost` works from anywhere.
    ContentRootPath = AppContext.BaseDirectory,
});

builder.Services.AddNetServer()
    .MapEndpoint("echo", socket => socket.Pipe(socket))
    .MapEndpoint("ipc", socket => socket.Pipe(socket));

await builder.Build().RunAsync();
