using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>Options of `ironbark up` / `walrus` that take a bounded value refuse anything else before starting anything.</summary>
public sealed class ServeOptionTests
{
    [Theory]
    [InlineData("walrus", "--walrus-inline-max-bytes", "-1", "--walrus-inline-max-bytes must be between 0 and 1048576")]
    [InlineData("up", "--walrus-inline-max-bytes", "1048577", "--walrus-inline-max-bytes must be between 0 and 1048576")]
    [InlineData("up", "--placement", "FASTEST", "Unknown placement policy 'FASTEST'")]
    [InlineData("clc", "--sigv2-max-expiry-seconds", "0", "The maximum SigV2 query expiry must be more than 0")]
    [InlineData("walrus", "--accepted-region", "us/east", "'us/east' is not a region name")]
    public async Task A_bad_value_stops_the_command_with_a_message_naming_it(string command, string option, string value, string message)
    {
        using var dir = new TempDir();
        var (code, _, stderr) = await IronbarkBinary.RunAsync(command, "--data-dir", dir.Path, option, value);
        Assert.NotEqual(0, code);
        Assert.Contains(message, stderr);
        // Nothing was started: no state was written.
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
