using System.Text.Json;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// The `terraform` on PATH run in a working directory of its own on scripts/terraform/main.tf, with the AWS provider from the
/// filesystem mirror (IRONBARK_TERRAFORM_MIRROR, default /opt/tf-plugins) and the cloud's key in the environment. A machine
/// without terraform or without the provider in the mirror fails the test, saying what is missing (docs/clients.md).
/// </summary>
public sealed class TerraformRun(TempDir work, CloudCredentials credentials)
{
    public const string ProviderVersion = "5.100.0";

    private static readonly string Mirror = Environment.GetEnvironmentVariable("IRONBARK_TERRAFORM_MIRROR") is { Length: > 0 } m ? m : "/opt/tf-plugins";

    private readonly string _executable = FindOnPath("terraform")
        ?? throw new InvalidOperationException("terraform is not on PATH: install Terraform 1.11 (docs/clients.md, scripts/setup says how).");

    /// <summary>Copies the config, writes the CLI config that points at the mirror, and runs `terraform init` (which may not go online).</summary>
    public async Task InitAsync()
    {
        var provider = Path.Combine(Mirror, "registry.terraform.io", "hashicorp", "aws", ProviderVersion, "linux_amd64");
        Assert.True(Directory.Exists(provider) && Directory.EnumerateFiles(provider, "terraform-provider-aws_*").Any(),
            $"The AWS provider {ProviderVersion} is not in the Terraform mirror ({provider}): run `terraform providers mirror {Mirror}` on a " +
            "machine with registry access and copy it here (docs/clients.md).");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "scripts", "terraform", "main.tf"), work.Combine("main.tf"));
        await File.WriteAllTextAsync(work.Combine("cli.tfrc"), $$"""
            provider_installation {
              filesystem_mirror {
                path    = "{{Mirror}}"
                include = ["registry.terraform.io/*/*"]
              }
              direct {
                exclude = ["registry.terraform.io/*/*"]
              }
            }
            """);
        await OkAsync("init");
    }

    public async Task OkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code == 0, $"terraform {args[0]} exited {code}:\n{stdout}\n{stderr}");
    }

    /// <summary>`terraform output -json`: each output's value.</summary>
    public async Task<IReadOnlyDictionary<string, JsonElement>> OutputsAsync()
    {
        var (code, stdout, stderr) = await RunAsync("output", "-json");
        Assert.True(code == 0, $"terraform output exited {code}:\n{stderr}");
        return JsonDocument.Parse(stdout).RootElement.EnumerateObject().ToDictionary(o => o.Name, o => o.Value.GetProperty("value").Clone());
    }

    public Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync(_executable, args[0] == "output" ? args : [args[0], "-input=false", "-no-color", .. args[1..]], new Dictionary<string, string>(credentials.ClientEnvironment())
        {
            ["TF_CLI_CONFIG_FILE"] = work.Combine("cli.tfrc"),
            ["TF_DATA_DIR"] = work.Combine(".terraform"),
            ["TF_IN_AUTOMATION"] = "1",
            ["CHECKPOINT_DISABLE"] = "1",
            ["HOME"] = work.Path,
            ["TF_LOG"] = "",
        }, timeout: TimeSpan.FromMinutes(5), workingDirectory: work.Path);

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
