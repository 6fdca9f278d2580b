using System.Buffers.Binary;
using AgentExec.Core.Sandbox;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// Runs a classic BPF program over a <c>struct seccomp_data</c> the way the kernel does, for the opcodes the launcher's
/// filter uses, so each verdict can be checked without installing the filter.
/// </summary>
internal static class BpfInterpreter
{
    public const uint X8664 = 0xC000003E;
    public const uint I386 = 0x40000003;
    public const uint Allow = 0x7fff0000;
    public const uint KillProcess = 0x80000000;

    public static uint Errno(int errno) => 0x00050000 | (uint)errno;

    public static uint Run(IReadOnlyList<BpfInstruction> program, uint architecture, int syscall, params ulong[] arguments)
    {
        // int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
        var data = new byte[64];
        BinaryPrimitives.WriteInt32LittleEndian(data, syscall);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), architecture);
        for (var index = 0; index < arguments.Length; index++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16 + (8 * index)), arguments[index]);
        }

        uint accumulator = 0;
        var pc = 0;
        while (true)
        {
            var instruction = program[pc];
            switch (instruction.Code)
            {
                case BpfInstruction.LoadWord:
                    accumulator = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)instruction.Constant));
                    pc++;
                    break;
                case BpfInstruction.AndConstant:
                    accumulator &= instruction.Constant;
                    pc++;
                    break;
                case BpfInstruction.JumpIfEqual:
                    pc += 1 + (accumulator == instruction.Constant ? instruction.JumpIfTrue : instruction.JumpIfFalse);
                    break;
                case BpfInstruction.JumpIfGreaterOrEqual:
                    pc += 1 + (accumulator >= instruction.Constant ? instruction.JumpIfTrue : instruction.JumpIfFalse);
                    break;
                case BpfInstruction.ReturnConstant:
                    return instruction.Constant;
                default:
                    throw new InvalidOperationException($"Opcode 0x{instruction.Code:x} at {pc} is not one the launcher's filter uses.");
            }
        }
    }
}
