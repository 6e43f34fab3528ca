using System.Runtime.InteropServices;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// The data directory is the cloud user's alone, whatever umask `ironbark` was started with; a tree
/// someone opened up is refused at start; commands that only read never create a cloud; and two
/// processes initialising one data directory at once end with one cloud.
/// </summary>
[Collection(nameof(DataDirectoryTests))]
[CollectionDefinition(nameof(DataDirectoryTests), DisableParallelization = true)]
public sealed partial class DataDirectoryTests
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                              | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);

    [Fact]
    public async Task Everything_a_cloud_writes_is_private_even_when_started_with_umask_000()
    {
        // The child inherits the umask at its start; the test's own is put back at once.
        var previous = SetUmask(0);
        Cloud cloud;
        try
        {
            cloud = await Cloud.StartAsync();
        }
        finally
        {
            SetUmask(previous);
        }
        await using var _ = cloud;
        using (var s3 = cloud.Admin.S3Client())
        {
            await s3.PutBucketAsync("private-bytes");
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "private-bytes", Key = "small", ContentBody = "tenant secret" });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "private-bytes", Key = "large", InputStream = new MemoryStream(new byte[3 << 20]) });
        }
        var entries = Directory.EnumerateFileSystemEntries(cloud.DataDir, "*", SearchOption.AllDirectories).Append(cloud.DataDir).ToList();
        Assert.Contains(entries, e => e.EndsWith("walrus.db-wal", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("secrets.key", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("/walrus/blobs/", StringComparison.Ordinal) && File.Exists(e));
        var open = entries.Where(e => (File.GetUnixFileMode(e) & GroupOrOther) != 0 && new FileInfo(e).LinkTarget is null)
            .Select(e => $"{e} {File.GetUnixFileMode(e)}").ToList();
        Assert.True(open.Count == 0, "Readable by others: " + string.Join(", ", open));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cloud.DataDir));
    }

    [Theory]
    [InlineData("")]
    [InlineData("clc")]
    [InlineData("identity.db")]
    [InlineData("pki/ca.key")]
    public async Task A_data_directory_others_can_read_is_refused_at_start_with_the_fix(string opened)
    {
        using var dir = new TempDir();
        var data = dir.Combine("data");
        await IronbarkBinary.RunOkAsync("init", "--data-dir", data);
        Directory.CreateDirectory(Path.Combine(data, "clc"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(data, opened);
        File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        foreach (var command in new[] { "up", "env", "init" })
        {
            var (code, stdout, stderr) = await IronbarkBinary.RunAsync(command, "--data-dir", data);
            Assert.True(code != 0, $"{command} started on an open data directory: {stdout}");
            Assert.Contains($"{path.TrimEnd('/')} is mode", stderr);
            Assert.Contains($"chmod -R go-rwx {data}", stderr);
            Assert.DoesNotContain("   at ", stderr);
        }
    }

    [Theory]
    [InlineData("env")]
    [InlineData("admin", "list-accounts")]
    [InlineData("admin", "create-account", "carol")]
    public async Task A_command_that_needs_a_cloud_never_creates_one(params string[] command)
    {
        using var dir = new TempDir();
        var data = dir.Combine("data");
        foreach (var existing in new[] { false, true })
        {
            if (existing)
                Directory.CreateDirectory(data);
            var (code, _, stderr) = await IronbarkBinary.RunAsync([.. command, "--data-dir", data]);
            Assert.Equal(1, code);
            Assert.Contains($"There is no cloud in {data}; run `ironbark up` or `ironbark init` first.", stderr);
            Assert.True(!Directory.Exists(data) || !Directory.EnumerateFileSystemEntries(data).Any(), "It wrote into the data directory.");
        }
    }

    [Fact]
    public async Task Two_inits_and_envs_racing_on_a_new_data_directory_make_one_cloud()
    {
        using var dir = new TempDir();
        var data = dir.Combine("data");
        var inits = Enumerable.Range(0, 2).Select(_ => IronbarkBinary.RunAsync("init", "--data-dir", data)).ToList();
        var envs = Enumerable.Range(0, 3).Select(async i =>
        {
            await Task.Delay(150 * i);
            return await IronbarkBinary.RunAsync("env", "--data-dir", data);
        }).ToList();
        foreach (var (code, stdout, stderr) in await Task.WhenAll(inits))
            Assert.True(code == 0, $"init failed: {stdout} {stderr}");
        var keys = new HashSet<string>();
        foreach (var (code, stdout, stderr) in await Task.WhenAll(envs))
        {
            Assert.DoesNotContain("   at ", stderr);
            if (code == 0)
                keys.Add(CloudCredentials.FromEnvOutput(stdout).AccessKeyId);
            else
                Assert.Contains("There is no cloud in", stderr);
        }
        var (_, final, _) = await IronbarkBinary.RunAsync("env", "--data-dir", data);
        keys.Add(CloudCredentials.FromEnvOutput(final).AccessKeyId);
        Assert.Single(keys);
        var listed = await IronbarkBinary.RunOkAsync("admin", "list-accounts", "--data-dir", data);
        Assert.Single(listed.Split('\n'), l => l.StartsWith("admin", StringComparison.Ordinal));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(data, "keys")), f => f.EndsWith("secrets.key", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(data, "keys"), "*.tmp"));
    }

    [Fact]
    public async Task Up_survives_env_racing_its_first_start()
    {
        using var dir = new TempDir();
        var data = dir.Combine("data");
        var up = IronbarkProcess.StartAsync(data);
        for (var i = 0; i < 10 && !up.IsCompleted; i++)
        {
            var (_, _, stderr) = await IronbarkBinary.RunAsync("env", "--data-dir", data);
            Assert.DoesNotContain("   at ", stderr);
        }
        await using var process = await up;
        Assert.False(process.HasExited, process.Output);
        var env = await IronbarkBinary.RunOkAsync("env", "--data-dir", data);
        Assert.Equal(process.S3Url.ToString().TrimEnd('/'), CloudCredentials.FromEnvOutput(env).S3Url);
    }
}
