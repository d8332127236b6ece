namespace Explant.Core.Validation;

/// <summary>
/// Enum values from text by NAME only. <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> also accepts "99"
/// (an undefined value), "1" (whatever member has that number) and "Female, Male" (a flags combination), so a form
/// could store a value nobody chose; here the text must be exactly one member's name (any case).
/// JSON already refuses numbers (JsonStringEnumConverter with allowIntegerValues: false); this is the same rule for forms.
/// </summary>
public static class EnumText
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        var t = text?.Trim();
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, t, StringComparison.OrdinalIgnoreCase))
            {
                value = Enum.Parse<T>(name);
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The value named by <paramref name="text"/> (case-insensitive), or null when it names none.</summary>
    public static T? Find<T>(string? text) where T : struct, Enum => TryParse<T>(text, out var value) ? value : null;

    /// <summary>The value named by <paramref name="text"/>; otherwise a validation error on <paramref name="field"/> listing the names.</summary>
    public static T Parse<T>(string field, string? text) where T : struct, Enum =>
        Find<T>(text) ?? throw new Data.ValidationException(new Dictionary<string, string[]> { [field] = [$"'{text}': {Choices<T>()}"] });

    /// <summary>"choose one of Female, Male, Other, Unknown" — the refusal every enum field uses.</summary>
    public static string Choices<T>() where T : struct, Enum => $"choose one of {string.Join(", ", Enum.GetNames<T>())}";

    /// <summary>A defined member (guards callers that cast numbers, e.g. <c>(Sex)99</c>).</summary>
    public static bool IsDefined<T>(T? value) where T : struct, Enum => value is null || Enum.IsDefined(value.Value);
}
