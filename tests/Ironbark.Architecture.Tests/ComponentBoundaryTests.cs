using System.Reflection;
using System.Xml.Linq;
using Mono.Cecil;

namespace Ironbark.Architecture.Tests;

/// <summary>
/// The rule of the house (DESIGN.md): a component references Ironbark.Common and nothing of another
/// component; components talk only through their published APIs. Inside a component, the domain knows neither
/// the transport nor the web framework nor the contracts: its Api/ and Drivers/ translate them.
/// </summary>
public sealed class ComponentBoundaryTests
{
    public static TheoryData<string> Components => new() { "Ironbark.Clc", "Ironbark.Walrus", "Ironbark.Cc", "Ironbark.Nc" };

    [Theory]
    [MemberData(nameof(Components))]
    public void A_component_project_references_only_common(string component)
    {
        var project = XDocument.Load(Path.Combine(RepoRoot(), "src", component, component + ".csproj"));
        var references = project.Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToList();
        Assert.Equal(["Ironbark.Common"], references);
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void A_component_assembly_loads_no_other_component(string component)
    {
        var assembly = Assembly.Load(component);
        var others = assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Ironbark.", StringComparison.Ordinal) && n != "Ironbark.Common").ToList();
        Assert.Empty(others);
    }

    /// <summary>The namespaces no domain may name (the transport, the web framework, the wire contracts).</summary>
    private static readonly string[] Forbidden = ["Grpc", "Microsoft.AspNetCore", "Ironbark.Common.Contracts"];

    /// <summary>The exception: the NC's domain still runs on its own contract's messages (nc.proto); never another component's.</summary>
    private static readonly Dictionary<string, string[]> OwnContract = new() { ["Ironbark.Nc"] = ["Ironbark.Common.Contracts.Nc"] };

    [Theory]
    [MemberData(nameof(Components))]
    public void A_component_domain_references_no_grpc_aspnetcore_or_contract(string component)
    {
        using var module = ModuleDefinition.ReadModule(Assembly.Load(component).Location);
        var domain = component + ".Domain";
        var allowed = OwnContract.GetValueOrDefault(component, []);
        var types = module.Types.Where(t => t.Namespace == domain || t.Namespace.StartsWith(domain + ".", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(types);

        var found = types.SelectMany(ReferencedTypes.Of)
            .Where(r => Forbidden.Any(f => Within(r.Namespace, f)) && !allowed.Any(a => Within(r.Namespace, a)))
            .Select(r => $"{r.Where} uses {r.Name}").Distinct().Order().ToList();
        Assert.True(found.Count == 0, $"{domain} must reach gRPC, ASP.NET Core and the contracts only through Api/ and Drivers/:\n{string.Join("\n", found)}");
    }

    /// <summary>Request → domain → driver runs one way: a component's Api/ hands work to its domain and never reaches a driver itself.</summary>
    [Theory]
    [MemberData(nameof(Components))]
    public void A_component_api_calls_its_domain_not_its_drivers(string component)
    {
        using var module = ModuleDefinition.ReadModule(Assembly.Load(component).Location);
        var api = component + ".Api";
        var drivers = component + ".Drivers";
        var found = module.Types.Where(t => Within(t.Namespace, api)).SelectMany(ReferencedTypes.Of)
            .Where(r => Within(r.Namespace, drivers))
            .Select(r => $"{r.Where} uses {r.Name}").Distinct().Order().ToList();
        Assert.True(found.Count == 0, $"{api} must reach {drivers} only through the domain:\n{string.Join("\n", found)}");
    }

    private static bool Within(string ns, string prefix) => ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal);

    [Fact]
    public void Every_component_under_src_is_checked()
    {
        var found = Directory.GetDirectories(Path.Combine(RepoRoot(), "src"), "Ironbark.*").Select(Path.GetFileName)
            // Ironbark is the host; Ironbark.Cloud its composition of the components (wiring, no domain of its own).
            .Where(n => n is not ("Ironbark.Common" or "Ironbark" or "Ironbark.Cloud")).Order().ToList();
        Assert.Equal(new[] { "Ironbark.Cc", "Ironbark.Clc", "Ironbark.Nc", "Ironbark.Walrus" }, found);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ironbark.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root");
    }
}
