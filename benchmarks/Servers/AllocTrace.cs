using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
internal sealed class AllocTrace : EventListener
{
    public static readonly ConcurrentDictionary<string, long> Types = new();
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick") == true && e.Payload is { } p)
        {
            var i = e.PayloadNames!.IndexOf("TypeName");
            if (i >= 0) Types.AddOrUpdate(p[i]?.ToString() ?? "?", 1, (_, v) => v + 1);
        }
    }
}
