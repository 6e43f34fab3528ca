using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Canned and explicit ACLs on buckets and objects, and what they let bob and anonymous callers do.</summary>
public abstract class AclTests(WalrusFixture f)
{
    private const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    private const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    private async Task<string> BucketAsync(S3CannedACL? acl = null)
    {
        var bucket = WalrusFixture.NewBucketName("acl");
        await f.AliceS3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = acl });
        return bucket;
    }

    [Fact]
    public async Task Bob_can_do_nothing_with_alices_private_bucket_and_objects()
    {
        var bucket = await BucketAsync();
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "alice's");
        var bob = f.BobS3;

        await S3Expect.DeniedAsync(() => bob.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => bob.ListObjectsAsync(bucket));
        await S3Expect.DeniedAsync(() => bob.GetObjectAsync(bucket, "k"));
        // HEAD answers carry no body: the SDK reports the status only.
        await S3Expect.ErrorAsync("Forbidden", HttpStatusCode.Forbidden, () => bob.GetObjectMetadataAsync(bucket, "k"));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(bob, bucket, "k", "bob's"));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(bob, bucket, "new", "bob's"));
        await S3Expect.DeniedAsync(() => bob.DeleteObjectAsync(bucket, "k"));
        await S3Expect.DeniedAsync(() => bob.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => bob.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicReadWrite }));
        await S3Expect.DeniedAsync(() => bob.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" }));
        await S3Expect.DeniedAsync(() => bob.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", ACL = S3CannedACL.PublicRead }));
        await S3Expect.DeniedAsync(() => bob.DeleteBucketAsync(bucket));
        await S3Expect.DeniedAsync(() => bob.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => bob.InitiateMultipartUploadAsync(bucket, "mp"));
        await S3Expect.DeniedAsync(() => bob.ListMultipartUploadsAsync(bucket));
        var bobsBucket = WalrusFixture.NewBucketName("bob");
        await bob.PutBucketAsync(bobsBucket);
        await S3Expect.DeniedAsync(() => bob.CopyObjectAsync(bucket, "k", bobsBucket, "stolen"));
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => bob.GetObjectAsync(bobsBucket, "stolen"));
        // A key that does not exist is not revealed either: without list permission it is AccessDenied, not NoSuchKey.
        await S3Expect.DeniedAsync(() => bob.GetObjectAsync(bucket, "missing"));

        Assert.Equal("alice's", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        var listed = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["k"], listed.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Anonymous_requests_are_refused_on_a_private_bucket()
    {
        var bucket = await BucketAsync();
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "x");
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "k"));
        await S3Expect.DeniedAsync(() => f.Anonymous.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.Anonymous, bucket, "anon", "x"));
        await S3Expect.DeniedAsync(() => f.Anonymous.DeleteObjectAsync(bucket, "k"));
        await S3Expect.DeniedAsync(() => f.Anonymous.ListBucketsAsync());
        await S3Expect.DeniedAsync(() => f.Anonymous.PutBucketAsync(WalrusFixture.NewBucketName("anon")));
    }

    [Fact]
    public async Task Public_read_bucket_lets_anyone_list_but_not_read_private_objects_or_write()
    {
        var bucket = await BucketAsync(S3CannedACL.PublicRead);
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "private", "p");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "public", ContentBody = "hello", CannedACL = S3CannedACL.PublicRead });

        var anonymousList = await f.Anonymous.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["private", "public"], anonymousList.S3Objects.Select(o => o.Key));
        var bobList = await f.BobS3.ListObjectsAsync(bucket);
        Assert.Equal(2, bobList.S3Objects.Count);

        Assert.Equal("hello", await S3Expect.ReadAsync(f.Anonymous, bucket, "public"));
        Assert.Equal("hello", await S3Expect.ReadAsync(f.BobS3, bucket, "public"));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "private"));
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "private"));
        // With list permission a missing key is reported as missing.
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.Anonymous.GetObjectAsync(bucket, "missing"));

        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.BobS3, bucket, "public", "overwritten"));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.Anonymous, bucket, "anon", "x"));
        await S3Expect.DeniedAsync(() => f.Anonymous.DeleteObjectAsync(bucket, "public"));
        await S3Expect.DeniedAsync(() => f.BobS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket }));
        Assert.Equal("hello", await S3Expect.ReadAsync(f.AliceS3, bucket, "public"));
    }

    [Fact]
    public async Task Public_read_write_bucket_lets_anyone_write_and_objects_stay_their_writers()
    {
        var bucket = await BucketAsync(S3CannedACL.PublicReadWrite);
        var alice = await f.AccountAsync("alice");
        var bob = await f.AccountAsync("bob");

        await S3Expect.PutTextAsync(f.BobS3, bucket, "from-bob", "b");
        await S3Expect.PutTextAsync(f.Anonymous, bucket, "from-anonymous", "a");
        var listed = await f.Anonymous.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["from-anonymous", "from-bob"], listed.S3Objects.Select(o => o.Key));

        // Bob owns what he wrote: the bucket owner may not read it without a grant...
        await S3Expect.DeniedAsync(() => f.AliceS3.GetObjectAsync(bucket, "from-bob"));
        var bobsAcl = await f.BobS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "from-bob" });
        Assert.Equal(bob.CanonicalId, bobsAcl.Owner.Id);
        Assert.Equal("b", await S3Expect.ReadAsync(f.BobS3, bucket, "from-bob"));
        // ...unless bob hands it over with bucket-owner-full-control.
        await f.BobS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "handed-over", ContentBody = "h", CannedACL = S3CannedACL.BucketOwnerFullControl,
        });
        Assert.Equal("h", await S3Expect.ReadAsync(f.AliceS3, bucket, "handed-over"));
        var handed = await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "handed-over" });
        Assert.Equal(bob.CanonicalId, handed.Owner.Id);
        Assert.Contains(handed.Grants, g => g.Grantee.CanonicalUser == alice.CanonicalId && g.Permission == S3Permission.FULL_CONTROL);
        Assert.Contains(handed.Grants, g => g.Grantee.CanonicalUser == bob.CanonicalId && g.Permission == S3Permission.FULL_CONTROL);

        // Anonymous writes belong to the bucket owner; deleting is a bucket WRITE, which the owner holds.
        Assert.Equal("a", await S3Expect.ReadAsync(f.AliceS3, bucket, "from-anonymous"));
        await f.AliceS3.DeleteObjectAsync(bucket, "from-bob");
        await f.Anonymous.DeleteObjectAsync(bucket, "from-anonymous");
        var after = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["handed-over"], after.S3Objects.Select(o => o.Key));
        // Writing the bucket's ACL is still the owner's alone.
        await S3Expect.DeniedAsync(() => f.BobS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private }));
    }

    [Fact]
    public async Task Authenticated_read_admits_any_account_but_not_anonymous()
    {
        var bucket = await BucketAsync(S3CannedACL.AuthenticatedRead);
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "for accounts", CannedACL = S3CannedACL.AuthenticatedRead });

        Assert.Single((await f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects);
        Assert.Equal("for accounts", await S3Expect.ReadAsync(f.BobS3, bucket, "k"));
        await S3Expect.DeniedAsync(() => f.Anonymous.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "k"));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.BobS3, bucket, "k", "no"));

        var acl = await f.AliceS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Contains(acl.Grants, g => g.Grantee.URI == AuthenticatedUsers && g.Permission == S3Permission.READ);
    }

    [Fact]
    public async Task Canned_object_acls_apply_per_object()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "pr", ContentBody = "pr", CannedACL = S3CannedACL.PublicRead });
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "prw", ContentBody = "prw", CannedACL = S3CannedACL.PublicReadWrite });
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "priv", ContentBody = "priv", CannedACL = S3CannedACL.Private });

        Assert.Equal("pr", await S3Expect.ReadAsync(f.Anonymous, bucket, "pr"));
        Assert.Equal("prw", await S3Expect.ReadAsync(f.Anonymous, bucket, "prw"));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "priv"));
        // An object ACL never lets anyone write into a private bucket, even public-read-write.
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.Anonymous, bucket, "prw", "changed"));
        await S3Expect.DeniedAsync(() => f.Anonymous.DeleteObjectAsync(bucket, "prw"));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "pr" }));

        var acl = await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "prw" });
        Assert.Equal(
            ["FULL_CONTROL", "READ", "WRITE"],
            acl.Grants.Select(g => g.Permission.Value).Order());

        // Changing an object's ACL to private takes the public read away.
        await f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "pr", ACL = S3CannedACL.Private });
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "pr"));
    }

    [Fact]
    public async Task Bucket_acl_grants_in_xml_round_trip_and_take_effect()
    {
        var bucket = await BucketAsync();
        var alice = await f.AccountAsync("alice");
        var bob = await f.AccountAsync("bob");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "x");

        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest
        {
            BucketName = bucket,
            AccessControlPolicy = new S3AccessControlList
            {
                Owner = new Owner { Id = alice.CanonicalId },
                Grants =
                [
                    new S3Grant { Grantee = new S3Grantee { CanonicalUser = alice.CanonicalId }, Permission = S3Permission.FULL_CONTROL },
                    new S3Grant { Grantee = new S3Grantee { CanonicalUser = bob.CanonicalId }, Permission = S3Permission.READ },
                    new S3Grant { Grantee = new S3Grantee { CanonicalUser = bob.CanonicalId }, Permission = S3Permission.WRITE },
                    new S3Grant { Grantee = new S3Grantee { URI = AllUsers }, Permission = S3Permission.READ_ACP },
                ],
            },
        });

        var acl = await f.AliceS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Equal(alice.CanonicalId, acl.Owner.Id);
        Assert.Equal("alice", acl.Owner.DisplayName);
        Assert.Equal(4, acl.Grants.Count);
        var bobsGrants = acl.Grants.Where(g => g.Grantee.CanonicalUser == bob.CanonicalId).ToList();
        Assert.Equal(["READ", "WRITE"], bobsGrants.Select(g => g.Permission.Value).Order());
        Assert.All(bobsGrants, g => Assert.Equal("bob", g.Grantee.DisplayName));
        Assert.Contains(acl.Grants, g => g.Grantee.URI == AllUsers && g.Permission == S3Permission.READ_ACP);

        // READ lists, WRITE creates objects, READ_ACP for everyone shows the ACL even anonymously.
        Assert.Single((await f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects);
        await S3Expect.PutTextAsync(f.BobS3, bucket, "bobs", "b");
        Assert.Equal(4, (await f.Anonymous.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Grants.Count);
        // No grant of READ on alice's object itself, and no WRITE_ACP on the bucket.
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "k"));
        await S3Expect.DeniedAsync(() => f.BobS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicRead }));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.Anonymous, bucket, "anon", "x"));
    }

    [Fact]
    public async Task Object_acl_grants_to_users_and_groups_take_effect()
    {
        var bucket = await BucketAsync();
        var alice = await f.AccountAsync("alice");
        var bob = await f.AccountAsync("bob");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "for-bob", "b");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "for-accounts", "a");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "for-all", "all");

        S3AccessControlList Acl(S3Grantee grantee, S3Permission permission) => new()
        {
            Owner = new Owner { Id = alice.CanonicalId },
            Grants =
            [
                new S3Grant { Grantee = new S3Grantee { CanonicalUser = alice.CanonicalId }, Permission = S3Permission.FULL_CONTROL },
                new S3Grant { Grantee = grantee, Permission = permission },
            ],
        };
        await f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest
            { BucketName = bucket, Key = "for-bob", AccessControlPolicy = Acl(new S3Grantee { CanonicalUser = bob.CanonicalId }, S3Permission.READ) });
        await f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest
            { BucketName = bucket, Key = "for-accounts", AccessControlPolicy = Acl(new S3Grantee { URI = AuthenticatedUsers }, S3Permission.READ) });
        await f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest
            { BucketName = bucket, Key = "for-all", AccessControlPolicy = Acl(new S3Grantee { URI = AllUsers }, S3Permission.READ) });

        Assert.Equal("b", await S3Expect.ReadAsync(f.BobS3, bucket, "for-bob"));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "for-bob"));
        Assert.Equal("a", await S3Expect.ReadAsync(f.BobS3, bucket, "for-accounts"));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "for-accounts"));
        Assert.Equal("all", await S3Expect.ReadAsync(f.Anonymous, bucket, "for-all"));

        // READ on an object is not READ_ACP, and no write of the object through the private bucket.
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "for-bob" }));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.BobS3, bucket, "for-bob", "mine now"));

        var acl = await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "for-bob" });
        Assert.Contains(acl.Grants, g => g.Grantee.CanonicalUser == bob.CanonicalId && g.Permission == S3Permission.READ);
    }

    [Fact]
    public async Task Acp_grants_let_bob_read_and_write_an_objects_acl()
    {
        var bucket = await BucketAsync();
        var bob = await f.AccountAsync("bob");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "x",
            Headers = { ["x-amz-grant-read-acp"] = $"id=\"{bob.CanonicalId}\"", ["x-amz-grant-write-acp"] = $"id=\"{bob.CanonicalId}\"" },
        });
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "k"));
        var acl = await f.BobS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(["READ_ACP", "WRITE_ACP"], acl.Grants.Select(g => g.Permission.Value).Order());

        await f.BobS3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", ACL = S3CannedACL.PublicRead });
        Assert.Equal("x", await S3Expect.ReadAsync(f.Anonymous, bucket, "k"));
    }

    [Fact]
    public async Task Grant_headers_on_bucket_and_object_writes()
    {
        var bob = await f.AccountAsync("bob");
        var bucket = WalrusFixture.NewBucketName("acl");
        await f.AliceS3.PutBucketAsync(bucket);
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest
        {
            BucketName = bucket, GrantRead = $"id=\"{bob.CanonicalId}\"", GrantWrite = $"uri=\"{AuthenticatedUsers}\"",
        });
        Assert.Empty((await f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
        await S3Expect.PutTextAsync(f.BobS3, bucket, "by-bob", "b");
        await S3Expect.DeniedAsync(() => f.Anonymous.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.Anonymous, bucket, "anon", "x"));

        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "granted", ContentBody = "g",
            Headers = { ["x-amz-grant-read"] = $"uri=\"{AllUsers}\", id=\"{bob.CanonicalId}\"" },
        });
        Assert.Equal("g", await S3Expect.ReadAsync(f.Anonymous, bucket, "granted"));
        var acl = await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "granted" });
        // Explicit grants replace the default: the owner holds no grant unless one is given (as on AWS).
        Assert.Equal(2, acl.Grants.Count);
        Assert.All(acl.Grants, g => Assert.Equal(S3Permission.READ, g.Permission));
    }

    [Fact]
    public async Task A_grant_to_an_unknown_canonical_id_is_refused_and_changes_nothing()
    {
        var bucket = await BucketAsync();
        var alice = await f.AccountAsync("alice");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "x");
        var unknown = new string('a', 64);

        var xml = new S3AccessControlList
        {
            Owner = new Owner { Id = alice.CanonicalId },
            Grants = [new S3Grant { Grantee = new S3Grantee { CanonicalUser = unknown }, Permission = S3Permission.READ }],
        };
        await S3Expect.ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest,
            () => f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, AccessControlPolicy = xml }));
        await S3Expect.ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest,
            () => f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", AccessControlPolicy = xml }));
        await S3Expect.ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest,
            () => f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, GrantRead = $"id=\"{unknown}\"" }));
        await S3Expect.ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "new", ContentBody = "n", Headers = { ["x-amz-grant-read"] = $"id=\"{unknown}\"" },
        }));

        var acl = await f.AliceS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        var only = Assert.Single(acl.Grants);
        Assert.Equal((alice.CanonicalId, S3Permission.FULL_CONTROL), (only.Grantee.CanonicalUser, only.Permission));
        Assert.Single((await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" })).Grants);
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "new"));
    }

    [Fact]
    public async Task Acl_requests_that_are_not_valid_are_refused()
    {
        var bucket = await BucketAsync();
        var bob = await f.AccountAsync("bob");
        // Another account's id as the owner of the new ACL.
        await S3Expect.DeniedAsync(() => f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest
        {
            BucketName = bucket,
            AccessControlPolicy = new S3AccessControlList
            {
                Owner = new Owner { Id = bob.CanonicalId },
                Grants = [new S3Grant { Grantee = new S3Grantee { CanonicalUser = bob.CanonicalId }, Permission = S3Permission.FULL_CONTROL }],
            },
        }));
        // A canned ACL and grant headers together.
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead,
            Headers = { ["x-amz-grant-read"] = $"id=\"{bob.CanonicalId}\"" },
        }));
        // An unknown group.
        await S3Expect.ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest, () => f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest
        {
            BucketName = bucket, GrantRead = "uri=\"http://acs.amazonaws.com/groups/global/Nobody\"",
        }));
        // An unknown canned ACL.
        await S3Expect.ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest,
            () => f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = new S3CannedACL("world-writable") }));
        Assert.Single((await f.AliceS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Grants);
    }
}

public sealed class SqliteAclTests(SqliteWalrusFixture f) : AclTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresAclTests(PostgresWalrusFixture f) : AclTests(f), IClassFixture<PostgresWalrusFixture>;
