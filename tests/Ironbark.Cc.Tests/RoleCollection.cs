namespace Ironbark.Cc.Tests;

/// <summary>The role tests over one <see cref="RoleFixture"/>: none changes its node or cluster, they only call them.</summary>
[CollectionDefinition(Name)]
public sealed class RoleCollection : ICollectionFixture<RoleFixture>
{
    public const string Name = "Internal roles";
}
