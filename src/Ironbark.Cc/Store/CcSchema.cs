using Dapper;
using Ironbark.Common.Data;

namespace Ironbark.Cc.Store;

/// <summary>
/// The CC's tables (its zone's VM network) and their numbered migrations, portable between SQLite and PostgreSQL.
/// Every name starts with cc_: a PostgreSQL database may be shared with the CLC, which has a security_groups of its own.
/// </summary>
public static class CcSchema
{
    static CcSchema() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private static IReadOnlyList<string> Migrations() =>
    [
        """
        CREATE TABLE cc_networks (vpc_id TEXT PRIMARY KEY, vni BIGINT NOT NULL UNIQUE, cidr TEXT NOT NULL);
        CREATE TABLE cc_interfaces (
            interface_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL UNIQUE, vpc_id TEXT NOT NULL REFERENCES cc_networks(vpc_id),
            subnet_id TEXT NOT NULL, subnet_cidr TEXT NOT NULL, vpc_cidr TEXT NOT NULL, gateway_ip TEXT NOT NULL, mac TEXT NOT NULL UNIQUE,
            private_ip TEXT NOT NULL, private_dns_name TEXT NOT NULL, dns_domain TEXT NOT NULL, security_group_ids TEXT NOT NULL,
            assign_public_ip BOOLEAN NOT NULL, public_ip TEXT UNIQUE, public_kind TEXT NOT NULL, node_url TEXT NOT NULL,
            UNIQUE (vpc_id, private_ip));
        CREATE TABLE cc_public_pool (
            public_ip TEXT PRIMARY KEY, interface_id TEXT NOT NULL UNIQUE REFERENCES cc_interfaces(interface_id) ON DELETE CASCADE);
        CREATE TABLE cc_security_groups (
            group_id TEXT PRIMARY KEY, vpc_id TEXT NOT NULL, ingress TEXT NOT NULL, egress TEXT NOT NULL, version BIGINT NOT NULL);
        CREATE TABLE cc_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
        INSERT INTO cc_counters (name, value) VALUES ('network_view', 0);
        INSERT INTO cc_counters (name, value) VALUES ('security_groups', 0);
        """,
    ];

    public static Task MigrateAsync(Database db, CancellationToken ct) => db.MigrateAsync("cc", Migrations(), ct);
}
