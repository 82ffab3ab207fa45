using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NetServer.Hosting.Tests.Infrastructure;

public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>Listens to the "NetServer" meter created by one host's IMeterFactory (so parallel tests do not mix).</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MetricRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "NetServer" && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> For(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    public double Sum(string instrument) => For(instrument).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value;
        }
        _measurements.Enqueue(new Measurement(instrument.Name, value, map));
    }
}
