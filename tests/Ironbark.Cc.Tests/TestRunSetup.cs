using Ironbark.Testing;

// The PostgreSQL classes share one server for the run (PostgresServer.SharedAsync), stopped when the run ends.
[assembly: TestFramework(TestRunFramework.TypeName, TestRunFramework.AssemblyName)]
