using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ironbark.Testing;

/// <summary>
/// xUnit's own framework, which also disposes what the test run shares (<see cref="TestRun.Own"/>) after the
/// last collection, before the run is reported finished. xUnit 2 has no assembly fixture; a test assembly
/// opts in with <c>[assembly: TestFramework(TestRunFramework.TypeName, TestRunFramework.AssemblyName)]</c>.
/// </summary>
public sealed class TestRunFramework(IMessageSink diagnostics) : XunitTestFramework(diagnostics)
{
    public const string TypeName = "Ironbark.Testing.TestRunFramework";
    public const string AssemblyName = "Ironbark.Testing";

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformation, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformation, diagnostics)
    {
        // void, as the method it replaces: the runner learns the end from the assembly-finished message.
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink,
            ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(ITestAssembly assembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnostics,
        IMessageSink executionMessages, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(assembly, testCases, diagnostics, executionMessages, executionOptions)
    {
        protected override Task AfterTestAssemblyStartingAsync()
        {
            TestRun.Hook();
            return base.AfterTestAssemblyStartingAsync();
        }

        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            // A failure here is reported as an error of the run, not swallowed.
            await Aggregator.RunAsync(TestRun.EndAsync);
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
