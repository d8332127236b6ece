using System.Text.Json;
using Explant.Core.Implants;

namespace Explant.Core.Coding;

/// <summary>One bad field of a coding request, by JSON path ("$.newInstrumentation.code").</summary>
public sealed record CodingInputError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A coding request that does not meet the contract; lists every bad field, each by JSON path.</summary>
public sealed class CodingInputException(IReadOnlyList<CodingInputError> errors)
    : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<CodingInputError> Errors { get; } = errors;
}

/// <summary>
/// The `coding suggest` JSON contract, read strictly: every field of the contract is required (newInstrumentation may be
/// null; segmental may be left out for an anterior construct, where rule 1 ignores it), unknown or repeated fields are
/// refused, and every error names its JSON path.
/// <code>
/// {"approach":"posterior","segmental":true,"levels":"L3-L5","removedAll":true,"reinsertedSameLevels":false,
///  "newInstrumentation":null,"indications":["infection"]}
/// </code>
/// </summary>
public static class CodingRequestJson
{
    private static readonly string[] RootFields = ["approach", "segmental", "levels", "removedAll", "reinsertedSameLevels", "newInstrumentation", "indications"];
    private static readonly string[] InstrumentationFields = ["code", "levels"];

    public static CodingRequest Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CodingInputException([new($"$ (line {e.LineNumber + 1})", "not valid JSON: " + e.Message)]);
        }
        using (doc)
        {
            var errors = new List<CodingInputError>();
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CodingInputException([new("$", "an object is required")]);
            }
            Strict(root, "$", RootFields, errors);

            Approach? approach = null;
            if (Str(root, "$", "approach", errors) is { } a)
            {
                approach = a switch
                {
                    "posterior" => Approach.Posterior,
                    "anterior" => Approach.Anterior,
                    _ => Fail<Approach?>(errors, "$.approach", $"'{a}' must be posterior or anterior"),
                };
            }
            bool? segmental;
            if (approach == Approach.Anterior && (!root.TryGetProperty("segmental", out var seg) || seg.ValueKind == JsonValueKind.Null))
            {
                segmental = false; // rule 1: anterior is 22855 whatever the fixation pattern
            }
            else
            {
                segmental = Bool(root, "$", "segmental", errors);
            }
            var levels = Levels(root, "$", errors);
            var removedAll = Bool(root, "$", "removedAll", errors);
            var reinserted = Bool(root, "$", "reinsertedSameLevels", errors);
            var insertion = Instrumentation(root, errors);
            var indications = Indications(root, errors);

            if (errors.Count > 0)
            {
                throw new CodingInputException(errors);
            }
            return new CodingRequest(approach!.Value, segmental!.Value, levels!.Value, removedAll!.Value, reinserted!.Value, insertion, indications);
        }
    }

    private static T? Fail<T>(List<CodingInputError> errors, string path, string message)
    {
        errors.Add(new(path, message));
        return default;
    }

    private static void Strict(JsonElement obj, string path, string[] allowed, List<CodingInputError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
            {
                errors.Add(new($"{path}.{p.Name}", $"unknown field (allowed: {string.Join(", ", allowed)})"));
            }
            else if (!seen.Add(p.Name))
            {
                errors.Add(new($"{path}.{p.Name}", "given more than once"));
            }
        }
    }

    private static string? Str(JsonElement parent, string path, string name, List<CodingInputError> errors)
    {
        var p = $"{path}.{name}";
        if (!parent.TryGetProperty(name, out var v))
        {
            return Fail<string>(errors, p, "required");
        }
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            return Fail<string>(errors, p, "a non-empty string is required");
        }
        return v.GetString();
    }

    private static bool? Bool(JsonElement parent, string path, string name, List<CodingInputError> errors)
    {
        var p = $"{path}.{name}";
        if (!parent.TryGetProperty(name, out var v))
        {
            return Fail<bool?>(errors, p, "required: true or false");
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Fail<bool?>(errors, p, "must be true or false"),
        };
    }

    private static LevelRange? Levels(JsonElement parent, string path, List<CodingInputError> errors)
    {
        if (Str(parent, path, "levels", errors) is not { } text)
        {
            return null;
        }
        if (LevelRange.TryParse(text, out var range))
        {
            return range;
        }
        return Fail<LevelRange?>(errors, $"{path}.levels", $"'{text}' is not a level range, cranial level first (e.g. L3-L5, T10-L2; levels C1–C7, T1–T12, L1–L5, S1–S2, ilium)");
    }

    private static NewInstrumentation? Instrumentation(JsonElement root, List<CodingInputError> errors)
    {
        const string path = "$.newInstrumentation";
        if (!root.TryGetProperty("newInstrumentation", out var v))
        {
            return Fail<NewInstrumentation>(errors, path, "required: null or {\"code\":\"22840\"–\"22848\",\"levels\":\"…\"}");
        }
        if (v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            return Fail<NewInstrumentation>(errors, path, "must be null or an object with code and levels");
        }
        Strict(v, path, InstrumentationFields, errors);
        var code = Str(v, path, "code", errors);
        if (code is not null && !CodingTables.IsInsertion(code))
        {
            code = Fail<string>(errors, $"{path}.code", $"'{code}' is not an insertion code (22840–22848)");
        }
        var levels = Levels(v, path, errors);
        return code is not null && levels is { } l ? new NewInstrumentation(code, l) : null;
    }

    private static List<string> Indications(JsonElement root, List<CodingInputError> errors)
    {
        const string path = "$.indications";
        var list = new List<string>();
        if (!root.TryGetProperty("indications", out var v))
        {
            errors.Add(new(path, "required: an array of indication keys"));
            return list;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(path, "an array of indication keys is required"));
            return list;
        }
        var known = string.Join(", ", Cases.IndicationCodes.All.Select(i => i.Key));
        var index = 0;
        foreach (var e in v.EnumerateArray())
        {
            var p = $"{path}[{index++}]";
            if (e.ValueKind != JsonValueKind.String)
            {
                errors.Add(new(p, $"a string is required (one of {known})"));
                continue;
            }
            var key = e.GetString()!;
            if (Cases.IndicationCodes.Find(key) is null)
            {
                errors.Add(new(p, $"unknown indication '{key}' (one of {known})"));
            }
            else if (list.Contains(key, StringComparer.Ordinal))
            {
                errors.Add(new(p, $"'{key}' is listed twice"));
            }
            else
            {
                list.Add(key);
            }
        }
        return list;
    }

    /// <summary>
    /// The output contract: cpt, icd10, warnings and sources first (exactly), then globalPeriod and rules as extras.
    /// </summary>
    public static object ToContract(CodingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new
        {
            cpt = result.Cpt.Select(c => new { code = c.Code, modifiers = c.Modifiers }),
            icd10 = result.Icd10.Select(i => new { code = i.Code, title = i.Title, indication = i.Indication, source = i.Source }),
            warnings = result.Warnings,
            sources = result.Sources,
            globalPeriod = result.GlobalPeriod,
            rules = result.Rules.Select(r => new { rule = r.Rule, outcome = r.Outcome, sources = r.Sources }),
        };
    }
}
