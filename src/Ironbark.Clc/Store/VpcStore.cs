using System.Data.Common;
using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>
/// VPCs and what comes with them (subnets, route tables and their routes, internet gateways, DHCP options), with tags.
/// Each account's default VPC is written whole in one transaction, under the account's lock, at most once.
/// </summary>
public sealed class VpcStore(Database db)
{
    private const string VpcColumns = "vpc_id, account_id, cidr_block, cidr_association_id, is_default, dhcp_options_id, created_ms";
    private const string SubnetColumns = "subnet_id, account_id, vpc_id, zone, cidr_block, default_for_az, map_public_ip_on_launch, created_ms";
    private const string RouteTableColumns = "route_table_id, account_id, vpc_id, main_association_id, created_ms";
    private const string GatewayColumns = "internet_gateway_id, account_id, vpc_id, created_ms";
    private const string DhcpColumns = "dhcp_options_id, account_id, domain_name, domain_name_servers, created_ms";

    /// <summary>The account's default VPC with its subnets, main route table, gateway, DHCP options and all their tags; null before it is made.</summary>
    public async Task<DefaultVpc?> FindDefaultAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var vpc = await c.QuerySingleOrDefaultAsync<Vpc>(
            $"SELECT {VpcColumns} FROM vpcs WHERE account_id = @accountId AND is_default = @yes", new { accountId, yes = true });
        if (vpc is null)
            return null;
        var vpcId = vpc.VpcId;
        var subnets = (await c.QueryAsync<Subnet>($"SELECT {SubnetColumns} FROM subnets WHERE vpc_id = @vpcId ORDER BY cidr_block", new { vpcId })).ToList();
        var table = await c.QuerySingleAsync<RouteTable>(
            $"SELECT {RouteTableColumns} FROM route_tables WHERE vpc_id = @vpcId AND main_association_id IS NOT NULL", new { vpcId });
        table.Routes = (await c.QueryAsync<Route>(
            "SELECT destination_cidr_block AS DestinationCidrBlock, gateway_id AS GatewayId FROM routes WHERE route_table_id = @RouteTableId ORDER BY seq", table)).ToList();
        var gateway = await c.QuerySingleAsync<InternetGateway>($"SELECT {GatewayColumns} FROM internet_gateways WHERE vpc_id = @vpcId", new { vpcId });
        var dhcp = await c.QuerySingleAsync<DhcpOptions>($"SELECT {DhcpColumns} FROM dhcp_options WHERE dhcp_options_id = @DhcpOptionsId", vpc);
        var tags = await TagRows.ForAccountAsync(c, accountId);
        vpc.Tags = [.. tags[vpc.VpcId]];
        foreach (var subnet in subnets)
            subnet.Tags = [.. tags[subnet.SubnetId]];
        table.Tags = [.. tags[table.RouteTableId]];
        gateway.Tags = [.. tags[gateway.InternetGatewayId]];
        dhcp.Tags = [.. tags[dhcp.DhcpOptionsId]];
        return new DefaultVpc(vpc, subnets, table, gateway, dhcp);
    }

    /// <summary>
    /// Writes the account's default VPC unless it has one, and moves the account's security groups and instances that are in no
    /// VPC yet into it, adding <paramref name="defaultGroup"/> when the account has no group named default. False when the
    /// account had a default VPC already (another call made it first), in which case nothing is written.
    /// </summary>
    public async Task<bool> TryCreateDefaultAsync(DefaultVpc plan, SecurityGroup defaultGroup, CancellationToken ct)
    {
        var accountId = plan.Vpc.AccountId;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "vpcs:" + accountId);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM vpcs WHERE account_id = @accountId AND is_default = @yes",
                new { accountId, yes = true }, tx) > 0)
            return false;
        await c.ExecuteAsync($"INSERT INTO dhcp_options ({DhcpColumns}) VALUES (@DhcpOptionsId, @AccountId, @DomainName, @DomainNameServers, @CreatedMs)",
            plan.DhcpOptions, tx);
        await c.ExecuteAsync($"INSERT INTO vpcs ({VpcColumns}) VALUES (@VpcId, @AccountId, @CidrBlock, @CidrAssociationId, @IsDefault, @DhcpOptionsId, @CreatedMs)",
            plan.Vpc, tx);
        await InsertSubnetsAsync(c, tx, plan.Subnets);
        await c.ExecuteAsync($"INSERT INTO internet_gateways ({GatewayColumns}) VALUES (@InternetGatewayId, @AccountId, @VpcId, @CreatedMs)", plan.Gateway, tx);
        var table = plan.MainRouteTable;
        await c.ExecuteAsync($"INSERT INTO route_tables ({RouteTableColumns}) VALUES (@RouteTableId, @AccountId, @VpcId, @MainAssociationId, @CreatedMs)", table, tx);
        await c.ExecuteAsync("INSERT INTO routes (route_table_id, destination_cidr_block, gateway_id, seq) VALUES (@RouteTableId, @DestinationCidrBlock, @GatewayId, @Seq)",
            table.Routes.Select((r, i) => new { table.RouteTableId, r.DestinationCidrBlock, r.GatewayId, Seq = i + 1 }), tx);

        // The security groups' own lock too, taken after the VPC's (never the other way round), so no group is made meanwhile outside the VPC.
        await db.LockAsync(c, tx, "security-groups:" + accountId);
        await c.ExecuteAsync("UPDATE security_groups SET vpc_id = @VpcId WHERE account_id = @AccountId AND vpc_id IS NULL", plan.Vpc, tx);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM security_groups WHERE account_id = @AccountId AND group_name = @GroupName", defaultGroup, tx) == 0)
            await SecurityGroupStore.InsertAsync(c, tx, defaultGroup);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Adds default subnets for zones the account's default VPC has none in yet (zones configured after it was made).</summary>
    public async Task AddSubnetsAsync(string accountId, IReadOnlyList<Subnet> subnets, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "vpcs:" + accountId);
        var missing = new List<Subnet>();
        foreach (var subnet in subnets)
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM subnets WHERE vpc_id = @VpcId AND zone = @Zone AND default_for_az = @DefaultForAz", subnet, tx) == 0)
                missing.Add(subnet);
        await InsertSubnetsAsync(c, tx, missing);
        await tx.CommitAsync(ct);
    }

    private static Task InsertSubnetsAsync(DbConnection c, DbTransaction tx, IEnumerable<Subnet> subnets) =>
        c.ExecuteAsync($"INSERT INTO subnets ({SubnetColumns}) VALUES (@SubnetId, @AccountId, @VpcId, @Zone, @CidrBlock, @DefaultForAz, @MapPublicIpOnLaunch, @CreatedMs)",
            subnets, tx);
}
