using AtlasBank.Chaos.AppHost;
using AtlasBank.Chaos.AppHost.Databases;
using AtlasBank.Chaos.AppHost.Infrastructure;
using AtlasBank.Chaos.AppHost.Observability;
using AtlasBank.Chaos.AppHost.RedisAcl;
using AtlasBank.Chaos.Contracts.Dr;

var builder = DistributedApplication.CreateBuilder(args);

// Redis and the two PostgreSQL servers: containers, or local processes where no container runtime answers.
var data = await builder.AddDataServicesAsync();
// Each service logs in as its own least-privilege role; the AppHost provisions roles, tables and replication.
var logins = builder.AddDatabaseLogins(data);
// Least privilege in Redis: each service logs in as its role's ACL user (the `redis` resource stays the admin's).
var redisUsers = builder.AddRedisUsers(data.Redis);

var ledgerApi = builder.AddProject<Projects.AtlasBank_LedgerDr>("ledgerapi")
    .WithEnvironment("Ledger__Role", "primary")
    .WithEnvironment("Ledger__Region", DrRegions.A)
    .WithReference(logins.LedgerApp, InfrastructureBuilderExtensions.LedgerDatabaseName).WaitFor(logins.LedgerApp)
    // No WaitFor: the ledger serves without Redis (no chaos, shadow samples dropped and counted), so it must not wait on it.
    .WithRedisUser(redisUsers.Ledger)
    // Shadow traffic: the primary samples Shadow:Rate of its reads into Redis; the agent replays them on DR.
    .WithShadowSettings()
    .WithHttpHealthCheck("/health");

var ledgerApiDr = builder.AddProject<Projects.AtlasBank_LedgerDr>("ledgerapi-dr")
    .WithEnvironment("Ledger__Role", "dr")
    .WithEnvironment("Ledger__Region", DrRegions.B)
    .WithEndpoint("http", endpoint => endpoint.Port = 6182)
    // The DR ledger uses its own database under the same connection name as the primary's, as the same role, which
    // writes there only once a failover makes region B the writer (ready once its subscription to the primary exists)...
    .WithReference(logins.LedgerDrApp, InfrastructureBuilderExtensions.LedgerDatabaseName).WaitFor(logins.LedgerDrApp)
    // ...and watches the primary's WAL and slots with a monitoring role (no wait: DR serves without the primary).
    .WithReference(logins.LedgerMonitor, "ledgerdb-publisher")
    // Follows the routing (and chaos) as any service does; it never samples shadow traffic. No WaitFor, as for ledgerapi.
    .WithRedisUser(redisUsers.Service)
    .WithHttpHealthCheck("/health");

// One admin key (a secret parameter) and any further keys, for every service that takes them.
var chaosApiKey = builder.AddChaosApiKey();
// The audit chain's HMAC key (a secret parameter): the manager's alone, never stored in chaosdb.
var chaosAuditKey = builder.AddChaosAuditKey();

// Two replicas, as the spec deploys it: what they share lives in Redis and chaosdb (README: Replicas).
var chaosManager = builder.AddProject<Projects.AtlasBank_Chaos_Manager>("chaos-manager")
    .WithReplicas(ChaosReplicas.Manager)
    .WithRedisUser(redisUsers.Manager).WaitFor(data.Redis)
    .WithReference(logins.ChaosManager, InfrastructureBuilderExtensions.ChaosDatabaseName).WaitFor(logins.ChaosManager)
    .WithReference(ledgerApi)
    .WithReference(ledgerApiDr)
    // The drills' invariant checker reads both ledgers' databases directly, as the read-only auditor.
    .WithReference(logins.LedgerAuditor, "ledger-auditor").WaitFor(logins.LedgerAuditor)
    .WithReference(logins.LedgerDrAuditor, "ledger-dr-auditor").WaitFor(logins.LedgerDrAuditor)
    // Failover: each region's database as the DR controller (fence, grant, slot, subscription, rebuild).
    .WithReference(logins.LedgerController, "ledger-controller").WaitFor(logins.LedgerController)
    .WithReference(logins.LedgerDrController, "ledger-dr-controller").WaitFor(logins.LedgerDrController)
    .WithChaosApiKeys(chaosApiKey)
    .WithChaosManagerSettings(chaosApiKey)
    .WithChaosAuditKey(chaosAuditKey)
    // Only Shadow:KeyPrefix matters to the manager: where a drill's drift probe finds the agent's latest report.
    .WithShadowSettings()
    .WithHttpHealthCheck("/health");

// Two agents share the samples (a consumer group) and take turns validating drift (a lease).
var chaosAgent = builder.AddProject<Projects.AtlasBank_Chaos_Agent>("chaos-agent")
    .WithReplicas(ChaosReplicas.Agent)
    .WithRedisUser(redisUsers.Agent).WaitFor(data.Redis)
    .WithReference(ledgerApi).WaitFor(ledgerApi)
    .WithReference(ledgerApiDr).WaitFor(ledgerApiDr)
    .WithEnvironment("SHADOW_SRC", ledgerApi.Resource.Name)
    .WithEnvironment("SHADOW_DST", ledgerApiDr.Resource.Name)
    .WithShadowSettings()
    .WithChaosApiKeys(chaosApiKey)
    .WithHttpHealthCheck("/health");

// Prometheus scrapes every replica of these with the alert rules loaded; Grafana where containers run.
builder.AddObservability(data, chaosManager, chaosAgent, ledgerApi, ledgerApiDr);

builder.Build().Run();
