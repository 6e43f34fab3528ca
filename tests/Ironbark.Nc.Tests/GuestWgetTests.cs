using System.Text.RegularExpressions;

namespace Ironbark.Nc.Tests;

/// <summary>
/// The test guest's wget takes -T (busybox's own segfaults): a URL that answers is fetched, and one whose
/// address never answers (inside QEMU's restricted user network, so nothing leaves the VM) fails when the
/// timeout is up instead of hanging for the kernel's two-minute connect.
/// </summary>
public sealed partial class GuestWgetTests(NcFixture f) : IClassFixture<NcFixture>
{
    private const string Script = """
        #!/bin/sh
        out=$(wget -T 5 -q -O - http://169.254.169.254/latest/meta-data/instance-id); rc=$?
        echo "answered=$out rc=$rc"
        t0=$(date +%s)
        wget -T 3 -q -O - http://169.254.169.9/ >/dev/null 2>&1; rc=$?
        echo "silent rc=$rc seconds=$(( $(date +%s) - t0 ))"
        wget -T; echo "missing-value rc=$?"
        """;

    [Fact]
    public async Task Wget_with_a_timeout_fetches_what_answers_and_gives_up_on_what_does_not()
    {
        var id = NcFixture.NewInstanceId();
        await f.Client.RunInstanceAsync(f.Launch(id, Script));
        var console = await f.WaitForConsoleAsync(id, "IRONBARK-USERDATA-DONE");
        Assert.True(console.Contains($"IRONBARK-USERDATA answered={id} rc=0", StringComparison.Ordinal), console);
        var silent = Silent().Match(console);
        Assert.True(silent.Success, console);
        Assert.NotEqual("0", silent.Groups[1].Value);
        // Not an immediate refusal: it waited for its timeout, and not for the kernel's connect timeout.
        Assert.InRange(int.Parse(silent.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 2, 10);
        Assert.Contains("IRONBARK-USERDATA missing-value rc=1", console);
        Assert.DoesNotContain("Segmentation fault", console);
        await f.Client.TerminateInstanceAsync(new Ironbark.Common.Contracts.Nc.InstanceRef { InstanceId = id });
    }

    [GeneratedRegex(@"IRONBARK-USERDATA silent rc=(\d+) seconds=(\d+)")]
    private static partial Regex Silent();
}
