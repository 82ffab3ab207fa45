using System.Runtime.CompilerServices;

namespace NetServer.Events;

/// <summary>
/// Remembers which emitter an exception escaped from (the innermost one), so an
/// <c>"uncaughtException"</c> listener such as the hosting package's can name the socket or
/// server concerned (public as <see cref="EventEmitter.SourceOf"/>). Tagging happens in an
/// exception filter, before the stack unwinds, and never catches anything; a weak table keeps
/// <see cref="Exception.Data"/> untouched.
/// </summary>
internal static class ErrorSource
{
    private static readonly ConditionalWeakTable<Exception, EventEmitter> s_sources = new();

    /// <summary>Records <paramref name="source"/> unless an inner emitter already did; always returns false (use as a filter).</summary>
    internal static bool Tag(Exception error, EventEmitter source)
    {
        s_sources.TryAdd(error, source);
        return false;
    }

    /// <summary>The innermost emitter <paramref name="error"/> escaped from, or null.</summary>
    internal static EventEmitter? Of(Exception error) => s_sources.TryGetValue(error, out var source) ? source : null;
}
