using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ironbark.Nc.Metadata;

/// <summary>
/// Who is on the other end of a unix socket: the kernel's SO_PEERCRED answer, and the command line
/// of that process and its parents. The metadata forwarder (socat) is started by the VM's QEMU
/// with a command line the node wrote, naming the instance — nothing the guest can claim or forge.
/// (QEMU's user networking spawns it through a double fork, so it is not a child of QEMU.)
/// </summary>
public static class PeerProcess
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static int? PeerPid(Socket socket)
    {
        Span<byte> cred = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        try
        {
            var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, cred);
            return length >= 4 ? MemoryMarshal.Read<int>(cred) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>The NUL-separated arguments of a process, or empty when it is gone.</summary>
    public static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>The process and its ancestors, nearest first, up to <paramref name="depth"/>.</summary>
    public static IEnumerable<int> Lineage(int pid, int depth = 4)
    {
        for (var i = 0; i < depth && pid > 1; i++)
        {
            yield return pid;
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                yield break;
            }
            // pid (comm) state ppid …; comm may contain spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (!int.TryParse(fields[1], out pid))
                yield break;
        }
    }
}
