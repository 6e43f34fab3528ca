using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Ironbark.Testing;
using Xunit.Abstractions;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// The Debian guest of scripts/build-debian-guest, installed by `ironbark up --debian-guest` and launched with
/// AWSSDK.EC2 with a key pair and user data: its unmodified cloud-init finds the Ec2 datasource at 169.254.169.254,
/// sets the hostname from the metadata, installs the key for the default user and runs the user data, all on the
/// serial console that GetConsoleOutput returns. Two boots (a shell script, a #cloud-config), started together by
/// the fixture because each takes minutes under TCG.
/// </summary>
public sealed class DebianGuestTests(DebianCloudFixture f, ITestOutputHelper output) : IClassFixture<DebianCloudFixture>
{
    [Fact]
    public async Task Cloud_init_reads_the_Ec2_datasource_sets_the_hostname_installs_the_key_and_runs_a_shell_script()
    {
        var console = await f.WaitForBootAsync(f.ScriptInstance, output);
        Has(console, "IRONBARK-SCRIPT-DONE");
        Has(console, "Datasource DataSourceEc2");
        Assert.False(console.Contains("DataSourceNone", StringComparison.Ordinal), console);
        Has(console, $"Authorized keys from /home/{DebianGuest.DefaultUser}/.ssh/authorized_keys for user {DebianGuest.DefaultUser}");
        Has(console, f.KeyFingerprint);
        // The hostname cloud-init set is the metadata's local-hostname, the private DNS name (ip-172-31-0-4.ironbark.compute.internal):
        // its first label, as on AWS, with the name in the VPC's domain; the script read both after cloud-init's init stage.
        var host = Line(console, "IRONBARK-SCRIPT host=").Split(" md=");
        Assert.Matches(@"^ip-172-31-\d+-\d+\.ironbark\.compute\.internal$", host[1]);
        Assert.Equal(host[1].Split('.')[0], host[0]);
        Assert.NotEqual("localhost", host[0]); // the image's own name: cloud-init changed it
        Assert.Equal($"{DebianGuest.DefaultUser} 1", Line(console, "IRONBARK-SCRIPT key-user="));
    }

    [Fact]
    public async Task Cloud_config_user_data_writes_files_and_runs_commands()
    {
        var console = await f.WaitForBootAsync(f.CloudConfigInstance, output);
        Has(console, "Datasource DataSourceEc2");
        Has(console, "IRONBARK-RUNCMD written-by-cloud-config");
    }

    /// <summary>Contains, failing with the whole console (Assert.Contains shows only its start).</summary>
    private static void Has(string console, string text) => Assert.True(console.Contains(text, StringComparison.Ordinal), $"no '{text}' on the console:\n{console}");

    private static string Line(string console, string marker)
    {
        var at = console.LastIndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no '{marker}' on the console:\n{console}");
        return console[(at + marker.Length)..].Split('\n')[0].TrimEnd('\r');
    }
}

/// <summary>A cloud of `ironbark up --debian-guest` that launches the two Debian instances of <see cref="DebianGuestTests"/> at once.</summary>
public sealed class DebianCloudFixture : IAsyncLifetime
{
    private const string ShellScript = """
        #!/bin/sh
        echo "IRONBARK-SCRIPT host=$(hostname) md=$(curl -s http://169.254.169.254/latest/meta-data/local-hostname)"
        echo "IRONBARK-SCRIPT key-user=$(stat -c %U /home/debian/.ssh/authorized_keys) $(wc -l < /home/debian/.ssh/authorized_keys)"
        echo "IRONBARK-SCRIPT-DONE"
        """;

    private const string CloudConfig = """
        #cloud-config
        write_files:
          - path: /etc/ironbark-marker
            content: "written-by-cloud-config\n"
        runcmd:
          - [ sh, -c, 'echo "IRONBARK-RUNCMD $(cat /etc/ironbark-marker)"' ]
        """;

    private readonly TempDir _keys = new();
    private readonly Stopwatch _sinceLaunch = new();
    private AmazonEC2Client _ec2 = null!;

    public Cloud Cloud { get; private set; } = null!;
    public string ScriptInstance { get; private set; } = "";
    public string CloudConfigInstance { get; private set; } = "";
    /// <summary>The key pair's SHA-256 fingerprint as cloud-init prints it (colon-separated hex).</summary>
    public string KeyFingerprint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var guest = await DebianGuest.BuildAsync();
        Cloud = await Cloud.StartAsync(debianGuest: guest);
        var admin = Cloud.Admin;
        _ec2 = new AmazonEC2Client(new BasicAWSCredentials(admin.AccessKeyId, admin.SecretAccessKey),
            new AmazonEC2Config { ServiceURL = admin.Ec2Url, AuthenticationRegion = admin.Region, MaxErrorRetry = 0 });
        var imageId = await WaitForImageAsync("debian-12");

        var keyFile = _keys.Combine("id_ed25519");
        var (code, _, stderr) = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "debian-guest-test", "-f", keyFile]);
        Assert.True(code == 0, stderr);
        var publicKey = (await File.ReadAllTextAsync(keyFile + ".pub")).Trim();
        KeyFingerprint = string.Join(':', Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(publicKey.Split(' ')[1]))).Chunk(2).Select(c => new string(c)));
        await _ec2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = "debian-test", PublicKeyMaterial = Convert.ToBase64String(Encoding.ASCII.GetBytes(publicKey)) });

        _sinceLaunch.Start();
        var launched = await Task.WhenAll(new[] { ShellScript, CloudConfig }.Select(userData => _ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = imageId, InstanceType = InstanceType.C1Medium, MinCount = 1, MaxCount = 1, KeyName = "debian-test",
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(userData.ReplaceLineEndings("\n") + "\n")),
        })));
        ScriptInstance = launched[0].Reservation.Instances[0].InstanceId;
        CloudConfigInstance = launched[1].Reservation.Instances[0].InstanceId;
    }

    private async Task<string> WaitForImageAsync(string name)
    {
        // `up` uploads the ~0.5 GB root disk into Walrus after it prints its endpoints.
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var images = await _ec2.DescribeImagesAsync(new DescribeImagesRequest { Filters = [new Filter("name", [name])] });
            if (images.Images is [{ } image])
                return image.ImageId;
            if (DateTime.UtcNow > deadline || Cloud.Process.HasExited)
                throw new TimeoutException($"up did not install the Debian guest:\n{Cloud.Process.Output}");
            await Task.Delay(1000);
        }
    }

    /// <summary>The console (GetConsoleOutput) once cloud-init's last stage is done (after the user data); minutes under TCG.</summary>
    public async Task<string> WaitForBootAsync(string instanceId, ITestOutputHelper log)
    {
        const string marker = " finished at "; // "Cloud-init v. 22.4.2 finished at … Datasource DataSourceEc2.  Up N seconds"
        var deadline = DateTime.UtcNow.AddMinutes(12); // 7 min seen on a machine loaded 10 times over
        while (true)
        {
            var answer = await _ec2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = instanceId });
            var console = answer.Output is { Length: > 0 } b64 ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : "";
            if (console.Contains(marker, StringComparison.Ordinal))
            {
                log.WriteLine($"{instanceId}: '{marker}' on the console {_sinceLaunch.Elapsed.TotalSeconds:F0} s after the launch");
                return console;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"'{marker}' did not appear on the console of {instanceId}:\n{console}");
            await Task.Delay(3000);
        }
    }

    public async Task DisposeAsync()
    {
        _ec2?.Dispose();
        if (Cloud is not null)
            await Cloud.DisposeAsync();
        _keys.Dispose();
    }
}
