using System.Text.Json;

namespace Explant.Planner;

/// <summary>Bad planner input at a JSON path ("$.cases[3].surgeonId").</summary>
public sealed class ProblemFormatException(string path, string message) : Exception($"{path}: {message}")
{
    public string Path { get; } = path;
}

/// <summary>
/// Reads the planner's JSON contract (see the scheduling issue) and checks it completely, so the solvers only
/// ever see a consistent problem. Every error names its JSON path.
/// </summary>
public static class ProblemJson
{
    public static Problem Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ProblemFormatException($"$ (line {e.LineNumber + 1})", "not valid JSON: " + e.Message);
        }
        using (doc)
        {
            var root = Object(doc.RootElement, "$");
            var days = Int(root, "$", "days", min: 1, max: 366);
            var turnover = Int(root, "$", "turnoverMinutes", min: 0, max: 24 * 60);
            var rooms = new List<Room>();
            foreach (var (r, path) in Array(root, "$", "rooms"))
            {
                var id = Str(r, path, "id");
                if (rooms.Any(x => x.Id == id)) { throw new ProblemFormatException(path + ".id", $"duplicate room id '{id}'"); }
                rooms.Add(new Room(id, StrList(r, path, "capabilities"), IntList(r, path, "minutesByDay", days, 0, 24 * 60)));
            }
            if (rooms.Count == 0) { throw new ProblemFormatException("$.rooms", "at least one room is needed"); }
            var surgeons = new List<Surgeon>();
            foreach (var (s, path) in Array(root, "$", "surgeons"))
            {
                var id = Str(s, path, "id");
                if (surgeons.Any(x => x.Id == id)) { throw new ProblemFormatException(path + ".id", $"duplicate surgeon id '{id}'"); }
                surgeons.Add(new Surgeon(id, IntList(s, path, "maxMinutesByDay", days, 0, 24 * 60)));
            }
            var cases = new List<PlanCase>();
            foreach (var (c, path) in Array(root, "$", "cases"))
            {
                var id = Str(c, path, "id");
                if (cases.Any(x => x.Id == id)) { throw new ProblemFormatException(path + ".id", $"duplicate case id '{id}'"); }
                var surgeon = Str(c, path, "surgeonId");
                if (surgeons.All(s => s.Id != surgeon)) { throw new ProblemFormatException(path + ".surgeonId", $"unknown surgeon '{surgeon}'"); }
                var release = Int(c, path, "releaseDay", 0, days - 1);
                int? due = null;
                if (c.TryGetProperty("dueDay", out var dueEl) && dueEl.ValueKind != JsonValueKind.Null)
                {
                    due = Int(c, path, "dueDay", release, days - 1);
                }
                if (!c.TryGetProperty("mandatory", out var m) || m.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw new ProblemFormatException(path + ".mandatory", "required: true or false");
                }
                cases.Add(new PlanCase(id, surgeon, Int(c, path, "durationMinutes", 1, 24 * 60), release, due, m.ValueKind == JsonValueKind.True,
                    StrList(c, path, "requires")));
            }
            var w = Object(root.TryGetProperty("weights", out var we) ? we : default, "$.weights");
            var weights = new Weights(Int(w, "$.weights", "unscheduledOptional", 0, 1_000_000), Int(w, "$.weights", "delayPerDay", 0, 1_000_000),
                Int(w, "$.weights", "openRoomDay", 0, 1_000_000), Int(w, "$.weights", "surgeonRoomSwitch", 0, 1_000_000));
            return new Problem(days, turnover, rooms, surgeons, cases, weights);
        }
    }

    private static JsonElement Object(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Object ? e : throw new ProblemFormatException(path, "an object is required");

    private static IEnumerable<(JsonElement, string)> Array(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array)
        {
            throw new ProblemFormatException($"{path}.{name}", "an array is required");
        }
        var i = 0;
        foreach (var item in a.EnumerateArray())
        {
            var p = $"{path}.{name}[{i++}]";
            yield return (Object(item, p), p);
        }
    }

    private static int Int(JsonElement parent, string path, string name, int min, int max)
    {
        var p = $"{path}.{name}";
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n))
        {
            throw new ProblemFormatException(p, "an integer is required");
        }
        return n < min || n > max ? throw new ProblemFormatException(p, $"{n} is outside [{min}, {max}]") : n;
    }

    private static string Str(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            throw new ProblemFormatException($"{path}.{name}", "a non-empty string is required");
        }
        return v.GetString()!;
    }

    /// <summary>Absent or null = none (the contract allows leaving out capabilities and requirements).</summary>
    private static List<string> StrList(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new ProblemFormatException($"{path}.{name}", "an array of strings is required");
        }
        var list = new List<string>();
        var i = 0;
        foreach (var s in v.EnumerateArray())
        {
            list.Add(s.ValueKind == JsonValueKind.String ? s.GetString()! : throw new ProblemFormatException($"{path}.{name}[{i}]", "a string is required"));
            i++;
        }
        return list;
    }

    private static List<int> IntList(JsonElement parent, string path, string name, int length, int min, int max)
    {
        var p = $"{path}.{name}";
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array)
        {
            throw new ProblemFormatException(p, $"an array of {length} integers is required");
        }
        if (v.GetArrayLength() != length)
        {
            throw new ProblemFormatException(p, $"has {v.GetArrayLength()} entries, expected {length} (one per day)");
        }
        var list = new List<int>();
        var i = 0;
        foreach (var e in v.EnumerateArray())
        {
            var ip = $"{p}[{i++}]";
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var n)) { throw new ProblemFormatException(ip, "an integer is required"); }
            if (n < min || n > max) { throw new ProblemFormatException(ip, $"{n} is outside [{min}, {max}]"); }
            list.Add(n);
        }
        return list;
    }

    public static string Write(Plan plan) => JsonSerializer.Serialize(new
    {
        status = plan.Status.ToString().ToLowerInvariant(),
        objective = plan.Objective,
        lowerBound = plan.LowerBound,
        assignments = plan.Assignments.Select(a => new { caseId = a.CaseId, day = a.Day, roomId = a.RoomId, startMinute = a.StartMinute }),
        unscheduled = plan.Unscheduled,
    });
}
