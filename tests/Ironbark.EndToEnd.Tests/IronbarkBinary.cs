using System.Reflection;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>The real `ironbark` binary built with these tests, run with `dotnet ironbark.dll …`.</summary>
public static class IronbarkBinary
{
    /// <summary>The ironbark.dll of src/Ironbark, as recorded at build time (see the project file).</summary>
    public static string DllPath { get; } = Locate();

    /// <summary>The dotnet host that runs the tests, so the binary runs on the same runtime.</summary>
    public static string DotnetHost { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs a command of the binary to completion, e.g. <c>env --data-dir D</c>.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync(DotnetHost, [DllPath, .. args]);

    /// <summary>Runs a command that must succeed and returns its standard output.</summary>
    public static async Task<string> RunOkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code == 0, $"ironbark {string.Join(' ', args)} exited {code}: {stdout} {stderr}");
        return stdout;
    }

    private static string Locate()
    {
        var path = typeof(IronbarkBinary).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "IronbarkDll")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new InvalidOperationException($"The ironbark binary is not built ('{path}'); build tests/Ironbark.EndToEnd.Tests, which builds src/Ironbark.");
        return path;
    }
}
