using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace AtlasBank.Chaos.ServiceDefaults.Hosting;

/// <summary>
/// <c>dead_letters_total{service,source,reason}</c>: poison a loop met and did not act on — set aside in
/// <c>chaos:deadletter</c> where the process may write there (the manager's audit spool), ignored and logged elsewhere
/// (junk on the DR routing channel or in its key). The loop goes on either way.
/// </summary>
public sealed class DeadLetters
{
    private readonly Counter<long> _letters;
    private readonly string _service;

    public DeadLetters(IMeterFactory meterFactory, IHostEnvironment environment)
    {
        _service = environment.ApplicationName;
        _letters = meterFactory.Create(TelemetryNames.ChaosMeter).CreateCounter<long>("dead_letters_total",
            description: "Entries or messages a loop could not use, by service, source and reason: set aside or ignored, never acted on.");
    }

    /// <summary>The reason of an entry or message that is not what its source carries.</summary>
    public const string Malformed = "malformed";

    public void Add(string source, string reason) => _letters.Add(1, Tags(source, reason));

    /// <summary>Starts the series at zero, so increase() sees the first one.</summary>
    public void Register(string source, string reason) => _letters.Add(0, Tags(source, reason));

    private KeyValuePair<string, object?>[] Tags(string source, string reason) =>
        [new("service", _service), new("source", source), new("reason", reason)];
}
