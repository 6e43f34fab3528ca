namespace Ironbark.Clc.Store;

/// <summary>
/// Migration 5: releases before it stored an instance's launch as the NC's RunInstanceRequest in protobuf's JSON
/// (column launch_spec); this turns every row's into the CLC's own launch record (column launch, read by
/// <see cref="InstanceLaunchColumn"/>) and drops the old column. SQL of each provider's JSON functions, so the
/// conversion commits with its version in one transaction. What the old document carried that the instance row
/// already has (ids, type, zone, key name) or that the launch is given anew (network, metadata options) is not copied.
/// </summary>
internal static class LaunchRecordMigration
{
    public static string Sql(bool postgres)
    {
        // A field of the old document by its path (protobuf's JSON names; absent where it was empty or zero).
        string Text(string path) => postgres ? $"(CAST(launch_spec AS json) #>> '{{{path}}}')" : $"json_extract(launch_spec, '$.{path.Replace(',', '.')}')";
        // int64 fields are strings in protobuf's JSON.
        string Number(string path) => $"CAST({Text(path)} AS {(postgres ? "BIGINT" : "INTEGER")})";
        string Object(params string[] fields) => $"{(postgres ? "json_build_object" : "json_object")}({string.Join(", ", fields)})";
        string Image(string part) => Object("'imageId'", Text($"{part},id"), "'objectBucket'", Text($"{part},bucket"), "'objectKey'", Text($"{part},key"),
            "'sha256'", Text($"{part},sha256"), "'sizeBytes'", Number($"{part},size"));

        var ramdisk = $"CASE WHEN {Text("ramdisk")} IS NULL THEN NULL ELSE {Image("ramdisk")} END";
        var groups = postgres
            ? "COALESCE(CAST(launch_spec AS json) #> '{data,securityGroups}', CAST('[]' AS json))"
            : "json(COALESCE(json_extract(launch_spec, '$.data.securityGroups'), '[]'))";
        var launch = Object("'vcpus'", Number("cores"), "'memoryMiB'", Number("memoryMib"),
            "'machineImage'", Image("rootDisk"), "'kernelImage'", Image("kernel"),
            // SQLite nests a value as JSON only when it comes straight from a JSON function, not through CASE: hence json().
            "'ramdiskImage'", postgres ? ramdisk : $"json({ramdisk})",
            "'publicKey'", Text("data,publicKey"), "'userData'", $"COALESCE({Text("data,userData")}, '')", "'groupNames'", groups);
        // The column's default fills the rows only until the UPDATE; every insert names it.
        return $"""
            ALTER TABLE instances ADD COLUMN launch TEXT NOT NULL DEFAULT '';
            UPDATE instances SET launch = {(postgres ? $"CAST({launch} AS TEXT)" : launch)};
            ALTER TABLE instances DROP COLUMN launch_spec;
            """;
    }
}
