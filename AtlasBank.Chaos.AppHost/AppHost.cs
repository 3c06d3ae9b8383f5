using AtlasBank.Chaos.AppHost;
using AtlasBank.Chaos.AppHost.Databases;
using AtlasBank.Chaos.AppHost.Observability;
using AtlasBank.Chaos.AppHost.RedisAcl;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// Redis and PostgreSQL: containers pinned to the majors the suite tests, or local processes where no container
// runtime answers (AtlasBank.Chaos.Hosting). Published, always the containers.
var servers = await DataServers.CreateAsync(builder);
var redis = servers.AddRedis("redis");
// Region A's ledger server, which publishes the ledger...
var postgres = servers.AddPostgres("postgres").WithLogicalReplication();
var ledgerDb = postgres.AddDatabase("ledgerdb");
// ...region B's, which subscribes to it through a libpq service file the provisioning writes (no secret in its catalog)...
var postgresDr = servers.AddPostgres("postgres-dr").WithLogicalReplication()
    .WithDataFileVariable(ProvisioningSettings.ServiceFileVariable, ProvisioningSettings.ReplicationServiceFile);
var ledgerDrDb = postgresDr.AddDatabase("ledgerdb-dr", "ledgerdb");
// ...and the control plane's own: the kill switch must not share a failure domain with the system under test.
var postgresChaos = servers.AddPostgres("postgres-chaos");
var chaosDb = postgresChaos.AddDatabase("chaosdb");

// Each service logs in as its own least-privilege role (a login under its database; a Redis ACL user under redis).
var logins = builder.AddDatabaseLogins((postgres, ledgerDb), (postgresDr, ledgerDrDb), (postgresChaos, chaosDb));
var redisUsers = builder.AddRedisUsers(redis);

// Creates every role, grant, table, dr.* function, publication and subscription as each server's superuser, then
// exits. Safe to run again at any time: it never undoes what a failover did. The services run no DDL.
var provisioning = builder.AddProject<Projects.AtlasBank_Chaos_Provisioning>("provisioning")
    .WithProvisioningOf(postgres, postgresDr, postgresChaos, logins)
    .WaitFor(ledgerDb).WaitFor(ledgerDrDb).WaitFor(chaosDb);

var ledgerApi = builder.AddProject<Projects.AtlasBank_LedgerDr>("ledgerapi")
    .WithEnvironment("Ledger__Role", "primary")
    .WithEnvironment("Ledger__Region", DrRegions.A)
    .WithReference(logins.LedgerApp, ProvisioningSettings.LedgerDatabase).WaitForCompletion(provisioning)
    // No WaitFor: the ledger serves without Redis (no chaos, shadow samples dropped and counted), so it must not wait on it.
    .WithRedisUser(redisUsers.Ledger)
    // Shadow traffic: the primary samples Shadow:Rate of its reads into Redis; the agent replays them on DR.
    .WithShadowSettings()
    .WithHttpHealthCheck("/health");

var ledgerApiDr = builder.AddProject<Projects.AtlasBank_LedgerDr>("ledgerapi-dr")
    .WithEnvironment("Ledger__Role", "dr")
    .WithEnvironment("Ledger__Region", DrRegions.B)
    .WithEndpoint("http", endpoint => endpoint.Port = 6182)
    // Region B's ledger uses its own database under the same connection name as region A's, as the same role, which
    // writes there only once a failover makes region B the writer (ready once its subscription to region A exists)...
    .WithReference(logins.LedgerDrApp, ProvisioningSettings.LedgerDatabase).WaitForCompletion(provisioning)
    // ...and watches region A's WAL and slots with a monitoring role (no wait: region B serves without region A).
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
    .WithRedisUser(redisUsers.Manager).WaitFor(redis)
    .WithReference(logins.ChaosManager, ProvisioningSettings.ChaosDatabase).WaitForCompletion(provisioning)
    .WithReference(ledgerApi)
    .WithReference(ledgerApiDr)
    // The drills' invariant checker reads both ledgers' databases directly, as the read-only auditor.
    .WithReference(logins.LedgerAuditor, "ledger-auditor")
    .WithReference(logins.LedgerDrAuditor, "ledger-dr-auditor")
    // Failover: each region's database as the DR controller (fence, grant, slot, subscription, rebuild).
    .WithReference(logins.LedgerController, "ledger-controller")
    .WithReference(logins.LedgerDrController, "ledger-dr-controller")
    .WithChaosApiKeys(chaosApiKey)
    .WithChaosManagerSettings(chaosApiKey)
    .WithChaosAuditKey(chaosAuditKey)
    // Only Shadow:KeyPrefix matters to the manager: where a drill's drift probe finds the agent's latest report.
    .WithShadowSettings()
    .WithHttpHealthCheck("/health");

// Two agents share the samples (a consumer group) and take turns validating drift (a lease).
var chaosAgent = builder.AddProject<Projects.AtlasBank_Chaos_Agent>("chaos-agent")
    .WithReplicas(ChaosReplicas.Agent)
    .WithRedisUser(redisUsers.Agent).WaitFor(redis)
    .WithReference(ledgerApi).WaitFor(ledgerApi)
    .WithReference(ledgerApiDr).WaitFor(ledgerApiDr)
    .WithEnvironment("SHADOW_SRC", ledgerApi.Resource.Name)
    .WithEnvironment("SHADOW_DST", ledgerApiDr.Resource.Name)
    .WithShadowSettings()
    .WithChaosApiKeys(chaosApiKey)
    .WithHttpHealthCheck("/health");

// Prometheus scrapes every replica of these with the alert rules loaded; Grafana with the dashboards where containers
// run. Run mode only: deployed, the platform's own monitoring scrapes the services (docs/deploying.md).
var prometheus = builder.AddPrometheus("prometheus", servers, chaosManager, chaosAgent, ledgerApi, ledgerApiDr);
builder.AddGrafana("grafana", servers, prometheus);

builder.Build().Run();
