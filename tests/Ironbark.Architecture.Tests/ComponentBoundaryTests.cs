using System.Reflection;
using System.Xml.Linq;

namespace Ironbark.Architecture.Tests;

/// <summary>
/// The rule of the house (DESIGN.md): a component references Ironbark.Common and nothing of another
/// component; components talk only through their published APIs.
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

    [Fact]
    public void Every_component_under_src_is_checked()
    {
        var found = Directory.GetDirectories(Path.Combine(RepoRoot(), "src"), "Ironbark.*").Select(Path.GetFileName)
            .Where(n => n is not ("Ironbark.Common" or "Ironbark")).Order().ToList(); // Ironbark is the host
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
