using System.Runtime.InteropServices;

namespace AgentExec.Core.Sandbox;

/// <summary>One classic BPF instruction, <c>struct sock_filter</c>: an opcode, two relative jump offsets and a constant.</summary>
/// <param name="Code">The opcode (class | size | mode, or class | operation | source).</param>
/// <param name="JumpIfTrue">For a conditional jump: instructions to skip when the condition holds.</param>
/// <param name="JumpIfFalse">For a conditional jump: instructions to skip when it does not.</param>
/// <param name="Constant">The operand <c>k</c>: an offset to load, a value to compare, a return action.</param>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct BpfInstruction(ushort Code, byte JumpIfTrue, byte JumpIfFalse, uint Constant)
{
    /// <summary><c>BPF_LD | BPF_W | BPF_ABS</c>: load the 32-bit word at offset k of the input into the accumulator.</summary>
    public const ushort LoadWord = 0x00 | 0x00 | 0x20;

    /// <summary><c>BPF_ALU | BPF_AND | BPF_K</c>: accumulator &amp;= k.</summary>
    public const ushort AndConstant = 0x04 | 0x50 | 0x00;

    /// <summary><c>BPF_JMP | BPF_JEQ | BPF_K</c>: jump by jt when accumulator == k, else by jf.</summary>
    public const ushort JumpIfEqual = 0x05 | 0x10 | 0x00;

    /// <summary><c>BPF_JMP | BPF_JGE | BPF_K</c>: jump by jt when accumulator &gt;= k (unsigned), else by jf.</summary>
    public const ushort JumpIfGreaterOrEqual = 0x05 | 0x30 | 0x00;

    /// <summary><c>BPF_RET | BPF_K</c>: end with the action k.</summary>
    public const ushort ReturnConstant = 0x06 | 0x00;
}
