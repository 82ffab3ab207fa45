using Microsoft.Extensions.Logging;

namespace NetServer.Hosting.Tests.Infrastructure;

public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>
/// Records every log entry; <see cref="WaitFor"/> completes when a matching NetServer entry is (or was)
/// written. Only categories starting with "NetServer." are matched: the host's own event ids overlap ours.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly Lock _sync = new();
    private readonly List<LogEntry> _entries = [];
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Done)> _waiters = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_sync)
            {
                return [.. _entries];
            }
        }
    }

    public IReadOnlyList<LogEntry> NetServerEntries => [.. Entries.Where(e => e.Category.StartsWith("NetServer.", StringComparison.Ordinal))];

    public Task<LogEntry> WaitFor(int eventId, Func<LogEntry, bool>? match = null)
    {
        bool Matches(LogEntry e) => e.Category.StartsWith("NetServer.", StringComparison.Ordinal) && e.EventId.Id == eventId && (match is null || match(e));
        lock (_sync)
        {
            var found = _entries.Find(Matches);
            if (found is not null)
            {
                return Task.FromResult(found);
            }
            var done = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((Matches, done));
            return done.Task.WaitAsync(TestHost.Timeout);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_sync)
        {
            _entries.Add(entry);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    _waiters[i].Done.TrySetResult(entry);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
