using Dapper;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>The CLC's tables and their numbered migrations (portable between SQLite and PostgreSQL, but for the data conversion of 5).</summary>
public static class ClcSchema
{
    static ClcSchema()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new InstanceLaunchColumn());
    }

    private static IReadOnlyList<string> Migrations(Database db) =>
    [
        """
        CREATE TABLE key_pairs (
            key_pair_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, key_name TEXT NOT NULL, key_type TEXT NOT NULL,
            fingerprint TEXT NOT NULL, public_key TEXT NOT NULL, created_ms BIGINT NOT NULL,
            UNIQUE (account_id, key_name));
        CREATE TABLE security_groups (
            group_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, group_name TEXT NOT NULL, description TEXT NOT NULL,
            created_ms BIGINT NOT NULL, UNIQUE (account_id, group_name));
        CREATE TABLE security_group_rules (
            rule_id TEXT PRIMARY KEY, group_id TEXT NOT NULL REFERENCES security_groups(group_id) ON DELETE CASCADE,
            is_egress BOOLEAN NOT NULL, ip_protocol TEXT NOT NULL, from_port INTEGER, to_port INTEGER,
            cidr_ipv4 TEXT, referenced_group_id TEXT, referenced_user_id TEXT, description TEXT, seq BIGINT NOT NULL);
        CREATE INDEX security_group_rules_group ON security_group_rules (group_id, seq);
        CREATE INDEX security_group_rules_referenced ON security_group_rules (referenced_group_id);
        CREATE TABLE resource_tags (
            resource_id TEXT NOT NULL, account_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
            PRIMARY KEY (resource_id, tag_key));
        CREATE INDEX resource_tags_account ON resource_tags (account_id);
        """,
        """
        CREATE TABLE images (
            image_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, image_type TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
            architecture TEXT NOT NULL, image_location TEXT NOT NULL, kernel_id TEXT, ramdisk_id TEXT, object_bucket TEXT NOT NULL,
            object_key TEXT NOT NULL, size_bytes BIGINT NOT NULL, sha256 TEXT NOT NULL, is_public BOOLEAN NOT NULL,
            created_ms BIGINT NOT NULL, UNIQUE (account_id, name));
        CREATE TABLE image_launch_permissions (
            image_id TEXT NOT NULL REFERENCES images(image_id) ON DELETE CASCADE, account_id TEXT NOT NULL,
            PRIMARY KEY (image_id, account_id));
        CREATE INDEX image_launch_permissions_account ON image_launch_permissions (account_id);
        """,
        """
        CREATE TABLE instances (
            instance_id TEXT PRIMARY KEY, reservation_id TEXT NOT NULL, account_id TEXT NOT NULL, image_id TEXT NOT NULL,
            kernel_id TEXT, ramdisk_id TEXT, instance_type TEXT NOT NULL, key_name TEXT, zone TEXT NOT NULL,
            launch_index INTEGER NOT NULL, client_token TEXT, state TEXT NOT NULL, state_reason TEXT, transition_reason TEXT,
            node_id TEXT, disable_api_termination BOOLEAN NOT NULL, shutdown_behavior TEXT NOT NULL, launch_ms BIGINT NOT NULL,
            terminated_ms BIGINT, launch_spec TEXT NOT NULL);
        CREATE INDEX instances_account ON instances (account_id, instance_id);
        CREATE INDEX instances_state ON instances (state);
        CREATE UNIQUE INDEX instances_client_token ON instances (account_id, client_token) WHERE client_token IS NOT NULL AND launch_index = 0;
        CREATE TABLE instance_groups (
            instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE, group_id TEXT NOT NULL,
            group_name TEXT NOT NULL, PRIMARY KEY (instance_id, group_id));
        CREATE INDEX instance_groups_group ON instance_groups (group_id);
        """,
        // Instance metadata options; an instance launched before them has EC2's defaults, which its node enforces.
        """
        ALTER TABLE instances ADD COLUMN http_tokens TEXT NOT NULL DEFAULT 'optional';
        ALTER TABLE instances ADD COLUMN http_put_response_hop_limit INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE instances ADD COLUMN http_endpoint TEXT NOT NULL DEFAULT 'enabled';
        ALTER TABLE instances ADD COLUMN metadata_options_state TEXT NOT NULL DEFAULT 'applied';
        """,
        // The CLC's own launch record instead of the NC's RunInstanceRequest: each provider's JSON functions convert the rows.
        LaunchRecordMigration.Sql(db.IsPostgres),
        // The key service (KMS): customer keys, their material encrypted under the cloud's secret key, and aliases.
        """
        CREATE TABLE kms_keys (
            key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, description TEXT NOT NULL, key_state TEXT NOT NULL,
            key_manager TEXT NOT NULL, material_protected TEXT NOT NULL, created_ms BIGINT NOT NULL);
        CREATE INDEX kms_keys_account ON kms_keys (account_id, created_ms);
        CREATE TABLE kms_aliases (
            account_id TEXT NOT NULL, alias_name TEXT NOT NULL, key_id TEXT NOT NULL REFERENCES kms_keys(key_id),
            created_ms BIGINT NOT NULL, PRIMARY KEY (account_id, alias_name));
        """,
        // The default VPC (docs/vpc.md). Made when an account first needs it; that same transaction gives the account's
        // security groups stored before (vpc_id NULL) their VPC. The unique indexes keep one default VPC per account and one
        // default subnet per zone of it.
        """
        CREATE TABLE dhcp_options (
            dhcp_options_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, domain_name TEXT NOT NULL, domain_name_servers TEXT NOT NULL,
            created_ms BIGINT NOT NULL);
        CREATE TABLE vpcs (
            vpc_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, cidr_block TEXT NOT NULL, cidr_association_id TEXT NOT NULL,
            is_default BOOLEAN NOT NULL, dhcp_options_id TEXT NOT NULL REFERENCES dhcp_options(dhcp_options_id), created_ms BIGINT NOT NULL);
        CREATE UNIQUE INDEX vpcs_default ON vpcs (account_id) WHERE is_default;
        CREATE INDEX vpcs_account ON vpcs (account_id);
        CREATE TABLE subnets (
            subnet_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, vpc_id TEXT NOT NULL REFERENCES vpcs(vpc_id), zone TEXT NOT NULL,
            cidr_block TEXT NOT NULL, default_for_az BOOLEAN NOT NULL, map_public_ip_on_launch BOOLEAN NOT NULL, created_ms BIGINT NOT NULL,
            UNIQUE (vpc_id, cidr_block));
        CREATE UNIQUE INDEX subnets_default ON subnets (vpc_id, zone) WHERE default_for_az;
        CREATE TABLE internet_gateways (
            internet_gateway_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, vpc_id TEXT REFERENCES vpcs(vpc_id), created_ms BIGINT NOT NULL);
        CREATE INDEX internet_gateways_vpc ON internet_gateways (vpc_id);
        CREATE TABLE route_tables (
            route_table_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, vpc_id TEXT NOT NULL REFERENCES vpcs(vpc_id),
            main_association_id TEXT UNIQUE, created_ms BIGINT NOT NULL);
        CREATE INDEX route_tables_vpc ON route_tables (vpc_id);
        CREATE TABLE routes (
            route_table_id TEXT NOT NULL REFERENCES route_tables(route_table_id) ON DELETE CASCADE, destination_cidr_block TEXT NOT NULL,
            gateway_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (route_table_id, destination_cidr_block));
        ALTER TABLE security_groups ADD COLUMN vpc_id TEXT REFERENCES vpcs(vpc_id);
        """,
        // Network interfaces (each instance's primary) and elastic IPs; the live instances of before get their primary
        // interface here, its id derived from the instance's, in the instance's groups (docs/elastic-ip.md).
        NetworkInterfaceRows.MigrationSql,
        // IPv6 ranges in security group rules: stored and described (enforced where guests have IPv6).
        "ALTER TABLE security_group_rules ADD COLUMN cidr_ipv6 TEXT;",
    ];

    public static Task MigrateAsync(Database db, CancellationToken ct) => db.MigrateAsync("clc", Migrations(db), ct);

    /// <summary>Applies only the first <paramref name="versions"/> migrations: the database as an older release left it (upgrade tests).</summary>
    internal static Task MigrateAsync(Database db, int versions, CancellationToken ct) => db.MigrateAsync("clc", Migrations(db).Take(versions).ToList(), ct);
}
