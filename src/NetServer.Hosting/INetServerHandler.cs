namespace NetServer.Hosting;

/// <summary>
/// A connection handler activated from dependency injection, mapped to an endpoint with
/// <c>MapEndpoint&lt;THandler&gt;(name)</c>: the class form of Node's <c>connectionListener</c>.
/// </summary>
/// <remarks>
/// One instance serves every connection of its endpoint: it is taken from the container when
/// the handler type is registered there, else created once with constructor injection
/// (<see cref="Microsoft.Extensions.DependencyInjection.ActivatorUtilities"/>). Like every NetServer
/// callback, <see cref="OnConnection"/> runs on the endpoint's event loop, one call at a time.
/// </remarks>
public interface INetServerHandler
{
    /// <summary>Called for each accepted connection, before any <c>"data"</c> event (Node's <c>"connection"</c>).</summary>
    /// <param name="socket">The accepted socket.</param>
    void OnConnection(Socket socket);
}
