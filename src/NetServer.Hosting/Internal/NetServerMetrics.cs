using System.Diagnostics.Metrics;

namespace NetServer.Hosting.Internal;

/// <summary>
/// The <c>"NetServer"</c> meter, created through <see cref="IMeterFactory"/> so each host (and each
/// test) has its own. Every measurement carries <c>netserver.endpoint</c> and <c>network.transport</c>.
/// </summary>
internal sealed class NetServerMetrics
{
    public const string MeterName = "NetServer";
    public const string EndpointTag = "netserver.endpoint";
    public const string TransportTag = "network.transport";

    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _bytesRead;
    private readonly Counter<long> _bytesWritten;
    private readonly Histogram<double> _duration;

    public NetServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _active = meter.CreateUpDownCounter<long>("netserver.connections.active", "{connection}", "Connections currently open.");
        _accepted = meter.CreateCounter<long>("netserver.connections.accepted", "{connection}", "Connections accepted and handed to the endpoint's handler.");
        _dropped = meter.CreateCounter<long>("netserver.connections.dropped", "{connection}", "Connections accepted and closed at once (Node's \"drop\").");
        _bytesRead = meter.CreateCounter<long>("netserver.bytes.read", "By", "Bytes received, recorded when a connection closes.");
        _bytesWritten = meter.CreateCounter<long>("netserver.bytes.written", "By", "Bytes sent, recorded when a connection closes.");
        _duration = meter.CreateHistogram<double>(
            "netserver.connection.duration",
            "s",
            "How long connections stayed open.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600] });
    }

    /// <summary>The tags every measurement of one endpoint carries.</summary>
    public static KeyValuePair<string, object?>[] TagsFor(string endpoint, string transport) =>
        [new(EndpointTag, endpoint), new(TransportTag, transport)];

    public void ConnectionOpened(KeyValuePair<string, object?>[] tags)
    {
        _accepted.Add(1, tags);
        _active.Add(1, tags);
    }

    public void ConnectionClosed(KeyValuePair<string, object?>[] tags, long bytesRead, long bytesWritten, TimeSpan duration)
    {
        _active.Add(-1, tags);
        _bytesRead.Add(bytesRead, tags);
        _bytesWritten.Add(bytesWritten, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void ConnectionDropped(KeyValuePair<string, object?>[] tags) =>
        _dropped.Add(1, [.. tags, new("reason", "max_connections")]);
}
