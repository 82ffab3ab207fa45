using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NetServer.Hosting;
using NetServer.Hosting.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers NetServer endpoints in a generic host.</summary>
public static class NetServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds NetServer, bound to the <c>"NetServer"</c> configuration section: each
    /// <c>NetServer:Endpoints:{name}</c> listens while the host runs, once a handler is mapped to it
    /// with <c>MapEndpoint</c>. Options are validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to map handlers to endpoints.</returns>
    public static INetServerBuilder AddNetServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        BindSection(AddCore(services));
        return new NetServerBuilder(services);
    }

    /// <summary>Adds NetServer bound to the <c>"NetServer"</c> section, then applies <paramref name="configure"/> on top of the configuration.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the bound options, e.g. adds endpoints in code.</param>
    /// <returns>A builder to map handlers to endpoints.</returns>
    public static INetServerBuilder AddNetServer(this IServiceCollection services, Action<NetServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        BindSection(AddCore(services)).Configure(configure);
        return new NetServerBuilder(services);
    }

    /// <summary>Adds NetServer bound to <paramref name="configuration"/> (a section shaped like <c>"NetServer"</c>) instead of the host's <c>"NetServer"</c> section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <c>Endpoints</c> and <c>OnUnhandledError</c>.</param>
    /// <returns>A builder to map handlers to endpoints.</returns>
    public static INetServerBuilder AddNetServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var path = (configuration as IConfigurationSection)?.Path ?? string.Empty;
        AddCore(services)
            .Bind(configuration)
            .Configure(o =>
            {
                o.ConfigurationPath = path;
                o.Configuration = configuration;
            });
        return new NetServerBuilder(services);
    }

    private static OptionsBuilder<NetServerOptions> BindSection(OptionsBuilder<NetServerOptions> options) =>
        options
            .BindConfiguration(NetServerOptions.SectionName)
            .Configure<IConfiguration>((o, configuration) => o.Configuration = configuration.GetSection(NetServerOptions.SectionName));

    private static OptionsBuilder<NetServerOptions> AddCore(IServiceCollection services)
    {
        services.AddLogging();
        services.AddMetrics();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NetServerOptions>, NetServerOptionsValidator>());
        services.TryAddSingleton<NetServerMetrics>();
        services.TryAddSingleton<NetServerEndpoints>();
        services.TryAddSingleton<UnhandledErrorHandler>();
        services.AddHostedService<NetServerHostedService>();
        return services.AddOptions<NetServerOptions>().ValidateOnStart();
    }
}
