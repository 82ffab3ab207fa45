using NetServer;
using NetServer.Hosting;
using NetServer.Hosting.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Maps connection handlers to the endpoints configured under <c>NetServer:Endpoints</c>.</summary>
public static class NetServerBuilderExtensions
{
    /// <summary>
    /// Handles connections of endpoint <paramref name="name"/> with <paramref name="handler"/> (Node's
    /// <c>connectionListener</c>), and registers the endpoint's <see cref="Server"/> as a keyed
    /// singleton under <paramref name="name"/>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddNetServer()</c>.</param>
    /// <param name="name">The endpoint name, as under <c>NetServer:Endpoints</c> (matched case-insensitively; the DI key is this exact string).</param>
    /// <param name="handler">Called on the endpoint's loop for each accepted socket.</param>
    /// <returns>The builder.</returns>
    public static INetServerBuilder MapEndpoint(this INetServerBuilder builder, string name, Action<Socket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(builder, name, _ => handler);
    }

    /// <summary>
    /// Handles connections of endpoint <paramref name="name"/> with a <typeparamref name="THandler"/>
    /// taken from the container (or created once with constructor injection when it is not registered).
    /// </summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="builder">The builder from <c>AddNetServer()</c>.</param>
    /// <param name="name">The endpoint name, as under <c>NetServer:Endpoints</c>.</param>
    /// <returns>The builder.</returns>
    public static INetServerBuilder MapEndpoint<THandler>(this INetServerBuilder builder, string name)
        where THandler : class, INetServerHandler =>
        Map(builder, name, sp => ActivatorUtilities.GetServiceOrCreateInstance<THandler>(sp).OnConnection);

    private static INetServerBuilder Map(INetServerBuilder builder, string name, Func<IServiceProvider, Action<Socket>> createHandler)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.Services.AddSingleton(new EndpointMapping(name, createHandler));
        builder.Services.AddKeyedSingleton<Server>(name, (sp, _) => sp.GetRequiredService<NetServerEndpoints>().Get(name).Server);
        return builder;
    }
}
