using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// Debian's ansible-playbook on one of scripts/ansible/*.yml, against localhost, with the cloud's key in the environment and
/// nothing from the user's own AWS or Ansible configuration.
/// </summary>
public static class AnsiblePlaybook
{
    /// <summary>Runs the playbook with the endpoint and region of <paramref name="credentials"/> and <paramref name="variables"/>; returns its stdout, failing the test when it fails.</summary>
    public static async Task<string> RunAsync(CloudCredentials credentials, string playbook, IReadOnlyDictionary<string, string> variables)
    {
        using var home = new TempDir();
        var extraVars = new Dictionary<string, string>(variables) { ["endpoint"] = credentials.Ec2Url, ["region"] = credentials.Region };
        // The variables go in as JSON so that a value with spaces (a public key) stays one value.
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/usr/bin/ansible-playbook",
            ["-i", "localhost,", Path.Combine(AppContext.BaseDirectory, "scripts", "ansible", playbook),
             "-e", System.Text.Json.JsonSerializer.Serialize(extraVars), "-e", "ansible_python_interpreter=/usr/bin/python3"],
            new Dictionary<string, string>
            {
                ["PATH"] = "/usr/bin:/bin",
                ["HOME"] = home.Path,
                ["ANSIBLE_LOCAL_TEMP"] = home.Combine("tmp"),
                ["ANSIBLE_DEPRECATION_WARNINGS"] = "False",
                ["ANSIBLE_NOCOLOR"] = "1",
                ["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey,
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                ["AWS_EC2_METADATA_DISABLED"] = "true",
            });
        Assert.True(code == 0, $"ansible-playbook {playbook} exited {code}:\n{stdout}\n{stderr}");
        return stdout;
    }
}
