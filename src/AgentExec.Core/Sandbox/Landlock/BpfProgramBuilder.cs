namespace AgentExec.Core.Sandbox;

/// <summary>Assembles a classic BPF program with named forward jump targets, so no offset is counted by hand.</summary>
/// <remarks>
/// Conditional jumps fall through when the condition is false and go to a label when it is true. Classic BPF only
/// jumps forward and at most 255 instructions, and seccomp rejects a program that breaks this; <see cref="Build"/>
/// checks it first, so a mistake here is an exception in a test rather than a launcher that fails at run time.
/// </remarks>
internal sealed class BpfProgramBuilder
{
    private readonly List<(BpfInstruction Instruction, string? Target)> _instructions = [];
    private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);

    /// <summary>Loads the 32-bit word at <paramref name="offset"/> of the input.</summary>
    public BpfProgramBuilder Load(uint offset) => Add(new BpfInstruction(BpfInstruction.LoadWord, 0, 0, offset), null);

    /// <summary>Keeps only the bits of <paramref name="mask"/> in the accumulator.</summary>
    public BpfProgramBuilder And(uint mask) => Add(new BpfInstruction(BpfInstruction.AndConstant, 0, 0, mask), null);

    /// <summary>Goes to <paramref name="target"/> when the accumulator equals <paramref name="value"/>.</summary>
    public BpfProgramBuilder JumpIfEqual(uint value, string target) => Add(new BpfInstruction(BpfInstruction.JumpIfEqual, 0, 0, value), target);

    /// <summary>Goes to <paramref name="target"/> when the accumulator is at least <paramref name="value"/> (unsigned).</summary>
    public BpfProgramBuilder JumpIfAtLeast(uint value, string target) => Add(new BpfInstruction(BpfInstruction.JumpIfGreaterOrEqual, 0, 0, value), target);

    /// <summary>Ends the program with <paramref name="action"/>.</summary>
    public BpfProgramBuilder Return(uint action) => Add(new BpfInstruction(BpfInstruction.ReturnConstant, 0, 0, action), null);

    /// <summary>Names the position of the next instruction.</summary>
    public BpfProgramBuilder Label(string name)
    {
        if (!_labels.TryAdd(name, _instructions.Count))
        {
            throw new InvalidOperationException($"The label '{name}' is defined twice.");
        }

        return this;
    }

    /// <summary>Resolves the jumps and returns the program.</summary>
    /// <exception cref="InvalidOperationException">A label is missing, behind its jump, or too far; or the program does not end with a return.</exception>
    public BpfInstruction[] Build()
    {
        if (_instructions.Count == 0 || _instructions[^1].Instruction.Code != BpfInstruction.ReturnConstant)
        {
            throw new InvalidOperationException("A seccomp program must end with a return.");
        }

        var program = new BpfInstruction[_instructions.Count];
        for (var index = 0; index < program.Length; index++)
        {
            var (instruction, target) = _instructions[index];
            if (target is not null)
            {
                if (!_labels.TryGetValue(target, out var position) || position >= program.Length)
                {
                    throw new InvalidOperationException($"The label '{target}' is not defined, or marks no instruction.");
                }

                // Offsets count from the instruction after the jump.
                var skip = position - index - 1;
                if (skip is < 0 or > byte.MaxValue)
                {
                    throw new InvalidOperationException($"The jump to '{target}' at {index} is not a forward jump of at most 255.");
                }

                instruction = instruction with { JumpIfTrue = (byte)skip, JumpIfFalse = 0 };
            }

            program[index] = instruction;
        }

        return program;
    }

    private BpfProgramBuilder Add(BpfInstruction instruction, string? target)
    {
        _instructions.Add((instruction, target));
        return this;
    }
}
