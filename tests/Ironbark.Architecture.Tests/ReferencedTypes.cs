using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ironbark.Architecture.Tests;

/// <summary>
/// Every type a compiled type names: in its base type, interfaces and attributes, its fields, its method signatures,
/// and its method bodies (locals, caught exceptions, and each type, method or field an instruction uses, with the
/// types in those members' signatures). Nested types (async state machines, lambda closures) count as their own.
/// </summary>
internal static class ReferencedTypes
{
    /// <summary>Each referenced type's namespace (a nested type's is its outermost declaring type's), with where it is named.</summary>
    public static IEnumerable<(string Where, string Namespace, string Name)> Of(TypeDefinition type)
    {
        var found = new List<(string, TypeReference)>();
        void Add(string where, TypeReference? t) => found.Add((where, t!));

        Add(type.FullName, type.BaseType);
        foreach (var i in type.Interfaces)
            Add(type.FullName, i.InterfaceType);
        Attributes(type.FullName, type.CustomAttributes, Add);
        foreach (var field in type.Fields)
        {
            Add($"{type.FullName}.{field.Name}", field.FieldType);
            Attributes($"{type.FullName}.{field.Name}", field.CustomAttributes, Add);
        }
        foreach (var method in type.Methods)
        {
            var where = $"{type.FullName}.{method.Name}";
            Signature(where, method, Add);
            Attributes(where, method.CustomAttributes, Add);
            foreach (var g in method.GenericParameters.SelectMany(p => p.Constraints))
                Add(where, g.ConstraintType);
            if (!method.HasBody)
                continue;
            foreach (var local in method.Body.Variables)
                Add(where, local.VariableType);
            foreach (var handler in method.Body.ExceptionHandlers)
                Add(where, handler.CatchType);
            foreach (var instruction in method.Body.Instructions)
                Operand(where, instruction.Operand, Add);
        }
        foreach (var nested in type.NestedTypes)
            foreach (var reference in Of(nested))
                yield return reference;
        foreach (var (where, reference) in found.Where(f => f.Item2 is not null))
            foreach (var t in Expand(reference))
                yield return (where, Outermost(t).Namespace, t.FullName);
    }

    private static void Operand(string where, object? operand, Action<string, TypeReference?> add)
    {
        switch (operand)
        {
            case TypeReference t:
                add(where, t);
                break;
            case MethodReference m:
                add(where, m.DeclaringType);
                Signature(where, m, add);
                if (m is GenericInstanceMethod g)
                    foreach (var a in g.GenericArguments)
                        add(where, a);
                break;
            case FieldReference f:
                add(where, f.DeclaringType);
                add(where, f.FieldType);
                break;
            case CallSite c:
                add(where, c.ReturnType);
                foreach (var p in c.Parameters)
                    add(where, p.ParameterType);
                break;
        }
    }

    private static void Signature(string where, MethodReference method, Action<string, TypeReference?> add)
    {
        add(where, method.ReturnType);
        foreach (var p in method.Parameters)
            add(where, p.ParameterType);
    }

    private static void Attributes(string where, IEnumerable<CustomAttribute> attributes, Action<string, TypeReference?> add)
    {
        foreach (var a in attributes)
        {
            add(where, a.AttributeType);
            Signature(where, a.Constructor, add);
            foreach (var argument in a.ConstructorArguments.Select(c => c.Value).OfType<TypeReference>())
                add(where, argument); // typeof(...)
        }
    }

    /// <summary>The type and, for a constructed type (generic instance, array, by-ref, modified), every type it is built of.</summary>
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        switch (type)
        {
            case GenericParameter:
                yield break;
            case GenericInstanceType g:
                foreach (var t in Expand(g.ElementType).Concat(g.GenericArguments.SelectMany(Expand)))
                    yield return t;
                yield break;
            case IModifierType m:
                foreach (var t in Expand(m.ModifierType).Concat(Expand(m.ElementType)))
                    yield return t;
                yield break;
            case TypeSpecification s:
                foreach (var t in Expand(s.ElementType))
                    yield return t;
                yield break;
            default:
                yield return type;
                break;
        }
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }
}
