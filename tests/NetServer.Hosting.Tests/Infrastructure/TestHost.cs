using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NetServer.Hosting.Tests.Infrastructure;

/// <summary>A real generic host with in-memory configuration, a recording logger and a metric recorder.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private TestHost(IHost host, RecordingLoggerProvider logs)
    {
        Host = host;
        Logs = logs;
        Metrics = new MetricRecorder(host.Services.GetRequiredService<IMeterFactory>());
    }

    public IHost Host { get; }

    public RecordingLoggerProvider Logs { get; }

    public MetricRecorder Metrics { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>A builder whose configuration is only <paramref name="config"/> (no appsettings, no environment), logging to a recorder.</summary>
    public static HostApplicationBuilder CreateBuilder(IDictionary<string, string?>? config, out RecordingLoggerProvider logs)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.Sources.Clear();
        if (config is not null)
        {
            builder.Configuration.AddInMemoryCollection(config);
        }
        logs = new RecordingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        return builder;
    }

    public static TestHost Build(HostApplicationBuilder builder, RecordingLoggerProvider logs) => new(builder.Build(), logs);

    /// <summary>Builds a host with <paramref name="config"/>, lets <paramref name="configure"/> call AddNetServer, and starts it.</summary>
    public static async Task<TestHost> StartAsync(IDictionary<string, string?> config, Action<IServiceCollection> configure)
    {
        var builder = CreateBuilder(config, out var logs);
        configure(builder.Services);
        var host = Build(builder, logs);
        try
        {
            await host.Host.StartAsync().WaitAsync(Timeout);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public Server Server(string endpoint) => Services.GetRequiredKeyedService<Server>(endpoint);

    public int PortOf(string endpoint) => Assert.IsType<AddressInfo>(Server(endpoint).Address()).Port;

    public async Task<TcpClient> ConnectAsync(string endpoint)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", PortOf(endpoint)).WaitAsync(Timeout);
        return client;
    }

    public Task StopAsync(CancellationToken token = default) => Host.StopAsync(token);

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        if (Host is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }
    }
}
