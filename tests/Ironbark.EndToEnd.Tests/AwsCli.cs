using System.Text.Json;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// The Debian aws CLI (v2.9) with one set of credentials. Always /usr/bin/aws, whatever is first on
/// PATH; the endpoint is passed with --endpoint-url because this version ignores AWS_ENDPOINT_URL_*: the
/// CLC's for `ec2`, `sts` and `kms`, Walrus' for everything else.
/// </summary>
public sealed class AwsCli(CloudCredentials credentials)
{
    public const string Executable = "/usr/bin/aws";

    public Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync(Executable, ["--endpoint-url", args.FirstOrDefault() is "ec2" or "sts" or "kms" ? credentials.Ec2Url : credentials.S3Url, .. args],
            credentials.ClientEnvironment());

    /// <summary>Runs a command that must succeed; returns its standard output.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} exited {code}:\n{stdout}\n{stderr}");
        return stdout;
    }

    /// <summary>Runs a command that must succeed and parses its JSON output (empty output is an empty object).</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var stdout = await OkAsync([.. args, "--output", "json"]);
        return JsonDocument.Parse(string.IsNullOrWhiteSpace(stdout) ? "{}" : stdout).RootElement.Clone();
    }

    /// <summary>Runs a command that must fail; returns its standard error.</summary>
    public async Task<string> FailsAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code != 0, $"aws {string.Join(' ', args)} should have failed:\n{stdout}");
        return stderr;
    }
}
