namespace AgentExec.Core.Sandbox;

/// <summary><c>open(2)</c> and <c>*at(2)</c> flags of x86_64 Linux (<c>asm-generic/fcntl.h</c>), in hexadecimal.</summary>
internal static class LinuxOpenFlags
{
    /// <summary><c>O_RDONLY</c>: the access mode zero.</summary>
    public const int ReadOnly = 0;

    /// <summary><c>O_ACCMODE</c>: the two bits that hold the access mode.</summary>
    public const int AccessModeMask = 0x3;

    /// <summary><c>O_TRUNC</c> (octal 01000).</summary>
    public const int Truncate = 0x200;

    /// <summary><c>O_CREAT</c> (octal 0100): the call may create the file, with the mode it passes.</summary>
    public const int Create = 0x40;

    /// <summary><c>__O_TMPFILE</c> (octal 020000000), the bit of <c>O_TMPFILE</c> that creates an unnamed file with the mode passed.</summary>
    public const int TemporaryFile = 0x400000;

    /// <summary><c>O_DIRECTORY</c> (octal 0200000): fail unless the path is a directory.</summary>
    public const int Directory = 0x10000;

    /// <summary><c>O_NOFOLLOW</c> (octal 0400000): fail on a symbolic link in the last component.</summary>
    public const int NoFollow = 0x20000;

    /// <summary><c>O_CLOEXEC</c> (octal 02000000): no descriptor of the launcher reaches the command.</summary>
    public const int CloseOnExec = 0x80000;

    /// <summary><c>O_PATH</c> (octal 010000000): a handle on the inode only, what Landlock rules are anchored to.</summary>
    public const int PathOnly = 0x200000;

    /// <summary><c>AT_FDCWD</c>: resolve relative to the current directory.</summary>
    public const int AtCurrentDirectory = -100;

    /// <summary><c>AT_REMOVEDIR</c>: <c>unlinkat</c> removes an empty directory.</summary>
    public const int AtRemoveDirectory = 0x200;
}
