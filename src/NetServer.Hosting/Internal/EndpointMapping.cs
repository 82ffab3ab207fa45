namespace NetServer.Hosting.Internal;

/// <summary>One <c>MapEndpoint</c> call: the endpoint name and how to get its connection listener.</summary>
/// <param name="Name">The endpoint name, as under <c>NetServer:Endpoints</c>.</param>
/// <param name="CreateHandler">Builds the connection listener from the root service provider, once per host.</param>
internal sealed record EndpointMapping(string Name, Func<IServiceProvider, Action<Socket>> CreateHandler);
