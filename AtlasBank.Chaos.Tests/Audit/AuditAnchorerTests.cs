using System.Threading.Channels;
using AtlasBank.Chaos.Manager.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>When the anchorer anchors the chain head, on a fake clock: after every append, every interval, and later when Redis was down.</summary>
public sealed class AuditAnchorerTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(AuditTestChain.Start);
    private readonly AuditChainHead _head = new();
    private readonly FakeTable _table = new();
    private readonly FakeAnchorLog _anchors = new();
    private readonly AuditAnchorer _anchorer;

    public AuditAnchorerTests() =>
        _anchorer = new AuditAnchorer(_head, _table, _anchors, AuditTestChain.Mac,
            Options.Create(new AuditOptions { AnchorInterval = Interval }), _time, NullLogger<AuditAnchorer>.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _anchorer.StopAsync(CancellationToken.None).WaitAsync(Bound);

    public void Dispose() => _anchorer.Dispose();

    [Fact]
    public async Task EveryAppendIsAnchoredAtOnceWithoutWaitingForTheInterval()
    {
        await StartAsync(); // the table is empty: the start round anchors nothing
        var row = AuditTestChain.Row(7, AuditEntry.GenesisHash);

        _head.Chained(row.Id, row.Hash);
        var anchor = await _anchors.NextWriteAsync();

        Assert.Equal((row.Id, row.Hash), (anchor.Id, anchor.Mac));
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), anchor.AtUnixMs);
        Assert.True(AuditTestChain.Mac.IsValid(anchor));

        var next = AuditTestChain.Row(8, row.Hash);
        _head.Chained(next.Id, next.Hash);
        Assert.Equal(8, (await _anchors.NextWriteAsync()).Id);
    }

    [Fact]
    public async Task WithoutAppendsTheTableHeadIsAnchoredAtStartAndEveryInterval()
    {
        var head = AuditTestChain.Row(3, AuditEntry.GenesisHash);
        _table.Head = head;

        await StartAsync();
        var atStart = await _anchors.NextWriteAsync();
        Assert.False(_anchors.HasWrite, "anchored again before the interval passed");
        _time.Advance(Interval);
        var second = await _anchors.NextWriteAsync();
        _time.Advance(Interval);
        var third = await _anchors.NextWriteAsync();

        Assert.All([atStart, second, third], anchor => Assert.Equal((head.Id, head.Hash), (anchor.Id, anchor.Mac)));
        Assert.Equal(
            [AuditTestChain.Start, AuditTestChain.Start + Interval, AuditTestChain.Start + 2 * Interval],
            [DateTimeOffset.FromUnixTimeMilliseconds(atStart.AtUnixMs), DateTimeOffset.FromUnixTimeMilliseconds(second.AtUnixMs), DateTimeOffset.FromUnixTimeMilliseconds(third.AtUnixMs)]);
    }

    [Fact]
    public async Task AnAnchorMissedWhileRedisWasDownIsWrittenAtTheNextInterval()
    {
        _anchors.Down = true;
        await StartAsync();
        var row = AuditTestChain.Row(5, AuditEntry.GenesisHash);

        _head.Chained(row.Id, row.Hash);
        await _anchors.NextAttemptAsync(); // refused: Redis is down
        _anchors.Down = false;
        _time.Advance(Interval);
        var caughtUp = await _anchors.NextWriteAsync();

        Assert.Equal((row.Id, row.Hash), (caughtUp.Id, caughtUp.Mac));
        Assert.Equal((AuditTestChain.Start + Interval).ToUnixTimeMilliseconds(), caughtUp.AtUnixMs);
    }

    [Fact]
    public async Task AHeadWhoseMacDoesNotVerifyIsNeverAnchored()
    {
        var head = AuditTestChain.Row(4, AuditEntry.GenesisHash);
        _table.Head = head with { Detail = "nothing to see" };

        await StartAsync();
        await _table.NextReadAsync();
        _time.Advance(Interval);
        await _table.NextReadAsync();

        Assert.False(_anchors.HasAttempt, "a head the key did not make was anchored");
    }

    [Fact]
    public async Task OnlyTheReplicaHoldingTheLeaseAnchorsOnTheInterval()
    {
        _table.Head = AuditTestChain.Row(2, AuditEntry.GenesisHash);
        _anchors.Leads = false;

        await StartAsync();
        await _anchors.NextLeaseRequestAsync();
        _time.Advance(Interval);
        await _anchors.NextLeaseRequestAsync();

        Assert.False(_anchors.HasAttempt, "a replica without the lease anchored");
        Assert.False(_table.HasRead, "a replica without the lease read the head");
    }

    private Task StartAsync() => _anchorer.StartAsync(CancellationToken.None).WaitAsync(Bound);

    private sealed class FakeTable : IAuditHeadReader
    {
        private readonly Channel<bool> _reads = Channel.CreateUnbounded<bool>();

        public AuditEntry? Head { get; set; }

        public bool HasRead => _reads.Reader.TryPeek(out _);

        public Task<AuditEntry?> ReadHeadAsync(CancellationToken cancellationToken)
        {
            _reads.Writer.TryWrite(true);
            return Task.FromResult(Head);
        }

        public Task<bool> NextReadAsync() => _reads.Reader.ReadAsync().AsTask().WaitAsync(Bound);
    }

    private sealed class FakeAnchorLog : IAuditAnchorLog
    {
        private readonly Channel<AuditAnchor> _attempts = Channel.CreateUnbounded<AuditAnchor>();
        private readonly Channel<AuditAnchor> _writes = Channel.CreateUnbounded<AuditAnchor>();
        private readonly Channel<bool> _leaseRequests = Channel.CreateUnbounded<bool>();

        public volatile bool Down;
        public volatile bool Leads = true;

        public bool HasWrite => _writes.Reader.TryPeek(out _);

        public bool HasAttempt => _attempts.Reader.TryPeek(out _);

        public Task AddAsync(AuditAnchor anchor)
        {
            _attempts.Writer.TryWrite(anchor);
            if (Down)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is down.");
            }

            _writes.Writer.TryWrite(anchor);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<AuditAnchor>> ReadAsync() => throw new NotSupportedException();

        public Task<bool> TryLeadAsync(TimeSpan lease)
        {
            _leaseRequests.Writer.TryWrite(true);
            return Task.FromResult(Leads);
        }

        public Task<AuditAnchor> NextWriteAsync() => _writes.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        public Task<AuditAnchor> NextAttemptAsync() => _attempts.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        public Task<bool> NextLeaseRequestAsync() => _leaseRequests.Reader.ReadAsync().AsTask().WaitAsync(Bound);
    }
}
