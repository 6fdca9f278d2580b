using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;

namespace AgentExec.Tests.Architecture;

/// <summary>
/// Reads, from the compiled AgentExec.Core assembly and from its source files, which of Core's namespaces each of
/// its namespaces refers to.
/// </summary>
/// <remarks>
/// The compiled code is the main witness: base types, interfaces, attributes, fields, properties, events, method
/// signatures, locals, catch clauses, generic constraints and every type, method and field token in a method body
/// (compiler-made closures and state machines are nested types, so they count for the namespace of the type that
/// declares them). The source scan complements it for what compilation erases: a constant or an enum value is copied
/// into the IL as a literal, so a <c>using AgentExec.Core.X</c> line or a qualified <c>AgentExec.Core.X.</c> name
/// in a file counts too.
/// </remarks>
internal static partial class CoreNamespaceReferences
{
    private const string CorePrefix = "AgentExec.Core.";

    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>The namespace graph of Core's compiled types plus its source files' references.</summary>
    public static NamespaceGraph Read(Assembly core, string sourceDirectory)
    {
        var graph = new NamespaceGraph();
        AddCompiledReferences(graph, core);
        AddSourceReferences(graph, sourceDirectory);
        return graph;
    }

    /// <summary>The namespace graph of Core's compiled types alone.</summary>
    public static NamespaceGraph ReadCompiled(Assembly core)
    {
        var graph = new NamespaceGraph();
        AddCompiledReferences(graph, core);
        return graph;
    }

    /// <summary>The Core namespace a type belongs to (its outermost declaring type's), or null outside Core.</summary>
    public static string? CoreNamespaceOf(Type type)
    {
        while (type.HasElementType)
        {
            type = type.GetElementType()!;
        }

        while (type.DeclaringType is { } outer && !type.IsGenericParameter)
        {
            type = outer;
        }

        if (type.IsGenericParameter || type.Namespace is not { } name || !name.StartsWith(CorePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        return ShortName(name);
    }

    private static string ShortName(string fullNamespace)
    {
        var rest = fullNamespace[CorePrefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        // A sub-folder (Sandbox.Landlock, Execution.Limits) is part of its folder's room.
        return dot < 0 ? rest : rest[..dot];
    }

    private static void AddCompiledReferences(NamespaceGraph graph, Assembly core)
    {
        foreach (var type in core.GetTypes())
        {
            if (CoreNamespaceOf(type) is not { } from)
            {
                continue;
            }

            var referenced = new HashSet<Type>();
            CollectTypeReferences(type, referenced);
            foreach (var target in referenced.SelectMany(Flatten))
            {
                if (CoreNamespaceOf(target) is { } to)
                {
                    graph.Add(from, to, $"{type.FullName} -> {target.FullName}");
                }
            }
        }
    }

    private static void CollectTypeReferences(Type type, HashSet<Type> referenced)
    {
        if (type.BaseType is { } baseType)
        {
            referenced.Add(baseType);
        }

        referenced.UnionWith(type.GetInterfaces());
        AddAttributes(type.CustomAttributes, referenced);
        if (type.IsGenericTypeDefinition)
        {
            referenced.UnionWith(type.GetGenericArguments().SelectMany(argument => argument.GetGenericParameterConstraints()));
        }

        foreach (var field in type.GetFields(Declared))
        {
            referenced.Add(field.FieldType);
            AddAttributes(field.CustomAttributes, referenced);
        }

        foreach (var property in type.GetProperties(Declared))
        {
            referenced.Add(property.PropertyType);
            AddAttributes(property.CustomAttributes, referenced);
        }

        foreach (var evt in type.GetEvents(Declared))
        {
            if (evt.EventHandlerType is { } handler)
            {
                referenced.Add(handler);
            }
        }

        IEnumerable<MethodBase> methods = [.. type.GetMethods(Declared), .. type.GetConstructors(Declared), .. type.TypeInitializer is { } init ? [init] : Array.Empty<MethodBase>()];
        foreach (var method in methods.Distinct())
        {
            if (method is MethodInfo info)
            {
                referenced.Add(info.ReturnType);
            }

            if (method.IsGenericMethodDefinition)
            {
                referenced.UnionWith(method.GetGenericArguments().SelectMany(argument => argument.GetGenericParameterConstraints()));
            }

            referenced.UnionWith(method.GetParameters().Select(parameter => parameter.ParameterType));
            AddAttributes(method.CustomAttributes, referenced);
            AddBody(method, referenced);
        }
    }

    private static void AddAttributes(IEnumerable<CustomAttributeData> attributes, HashSet<Type> referenced)
    {
        foreach (var attribute in attributes)
        {
            referenced.Add(attribute.AttributeType);
            foreach (var argument in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(named => named.TypedValue)))
            {
                referenced.Add(argument.ArgumentType);
                if (argument.Value is Type typeArgument)
                {
                    referenced.Add(typeArgument);
                }
            }
        }
    }

    private static void AddBody(MethodBase method, HashSet<Type> referenced)
    {
        if (method.GetMethodBody() is not { } body || body.GetILAsByteArray() is not { } il)
        {
            return;
        }

        referenced.UnionWith(body.LocalVariables.Select(local => local.LocalType));
        referenced.UnionWith(body.ExceptionHandlingClauses
            .Where(clause => clause.Flags == ExceptionHandlingClauseOptions.Clause)
            .Select(clause => clause.CatchType!));

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            var code = OpCodesByValue[value];
            switch (code.OperandType)
            {
                case OperandType.InlineType:
                case OperandType.InlineTok:
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                    var token = BitConverter.ToInt32(il, position);
                    if (method.Module.ResolveMember(token, typeArguments, methodArguments) is { } member)
                    {
                        AddMember(member, referenced);
                    }

                    position += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, position);
                    position += 4 + (4 * count);
                    break;
                default:
                    // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR: four bytes.
                    position += 4;
                    break;
            }
        }
    }

    private static void AddMember(MemberInfo member, HashSet<Type> referenced)
    {
        switch (member)
        {
            case Type type:
                referenced.Add(type);
                break;
            case FieldInfo field:
                referenced.Add(field.DeclaringType!);
                referenced.Add(field.FieldType);
                break;
            case MethodBase called:
                if (called.DeclaringType is { } declaring)
                {
                    referenced.Add(declaring);
                }

                if (called is MethodInfo info)
                {
                    referenced.Add(info.ReturnType);
                    if (info.IsGenericMethod)
                    {
                        referenced.UnionWith(info.GetGenericArguments());
                    }
                }

                referenced.UnionWith(called.GetParameters().Select(parameter => parameter.ParameterType));
                break;
        }
    }

    /// <summary>A type and every type it is built from: element types and generic arguments, recursively.</summary>
    private static IEnumerable<Type> Flatten(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Flatten(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Flatten))
            {
                yield return inner;
            }
        }
    }

    private static void AddSourceReferences(NamespaceGraph graph, string sourceDirectory)
    {
        var sources = Directory.EnumerateFiles(sourceDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(sourceDirectory, path));
        foreach (var path in sources)
        {
            var text = File.ReadAllText(path);
            if (FileNamespace().Match(text) is not { Success: true } declared)
            {
                continue;
            }

            var from = ShortName(declared.Groups["name"].Value);
            foreach (Match reference in CoreReference().Matches(text))
            {
                if (reference.Index == declared.Groups["name"].Index)
                {
                    continue;
                }

                var to = reference.Groups["room"].Value;
                var line = text[..reference.Index].Count(character => character == '\n') + 1;
                graph.Add(from, to, $"{Path.GetRelativePath(sourceDirectory, path)}:{line} names AgentExec.Core.{to}");
            }
        }
    }

    private static bool IsBuildOutput(string sourceDirectory, string path)
    {
        var relative = Path.GetRelativePath(sourceDirectory, path);
        return relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^namespace\s+(?<name>AgentExec\.Core\.[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    // A using line, a global alias or a qualified name: anything that spells a Core namespace in the text.
    [GeneratedRegex(@"\bAgentExec\.Core\.(?<room>[A-Z]\w*)")]
    private static partial Regex CoreReference();
}
