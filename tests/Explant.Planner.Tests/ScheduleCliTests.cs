using System.Text.Json;
using Explant.Cli;

namespace Explant.Planner.Tests;

/// <summary>The outside contract of `explant schedule`.</summary>
public sealed class ScheduleCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("explant-schedule-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const string Example = """
        { "days": 5, "turnoverMinutes": 30,
          "rooms":    [ {"id":"OR1","capabilities":["fluoroscopy"],"minutesByDay":[480,480,480,480,480]}, {"id":"OR2","minutesByDay":[480,480,480,480,480]} ],
          "surgeons": [ {"id":"S1","maxMinutesByDay":[480,480,0,480,480]} ],
          "cases":    [ {"id":"C1","surgeonId":"S1","durationMinutes":120,"releaseDay":0,"dueDay":4,"mandatory":true,"requires":["fluoroscopy"]},
                        {"id":"C2","surgeonId":"S1","durationMinutes":90,"releaseDay":1,"dueDay":null,"mandatory":false} ],
          "weights":  {"unscheduledOptional":100,"delayPerDay":5,"openRoomDay":20,"surgeonRoomSwitch":1} }
        """;

    private async Task<(int Exit, string Out, string Err, string Path)> Run(string problem, params string[] extra)
    {
        var input = Path.Combine(dir, $"{Guid.NewGuid():N}.json");
        var output = Path.Combine(dir, $"{Guid.NewGuid():N}.plan.json");
        await File.WriteAllTextAsync(input, problem);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["schedule", "--input", input, "--output", output, "--time-limit", "3", .. extra], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString(), output);
    }

    [Theory]
    [InlineData("cp-sat")]
    [InlineData("greedy")]
    public async Task The_example_is_planned_into_the_output_file(string solver)
    {
        var (exit, stdout, stderr, output) = await Run(Example, "--solver", solver, "--seed", "3", "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", stdout);   // --json: nothing but the result, which went to the file
        Assert.Equal("", stderr);
        var plan = JsonDocument.Parse(await File.ReadAllTextAsync(output)).RootElement;
        Assert.Contains(plan.GetProperty("status").GetString(), new[] { "optimal", "feasible" });
        var assignments = plan.GetProperty("assignments");
        var c1 = assignments.EnumerateArray().Single(a => a.GetProperty("caseId").GetString() == "C1");
        Assert.Equal("OR1", c1.GetProperty("roomId").GetString());
        Assert.True(plan.GetProperty("lowerBound").GetInt64() <= plan.GetProperty("objective").GetInt64());
        var problem = ProblemJson.Parse(Example);
        var parsed = new Plan(PlanStatus.Feasible, 0, 0,
            [.. assignments.EnumerateArray().Select(a => new Assignment(a.GetProperty("caseId").GetString()!, a.GetProperty("day").GetInt32(), a.GetProperty("roomId").GetString()!, a.GetProperty("startMinute").GetInt32()))],
            [.. plan.GetProperty("unscheduled").EnumerateArray().Select(u => u.GetString()!)]);
        var check = PlanValidator.Validate(problem, parsed);
        Assert.True(check.Valid, string.Join("; ", check.Violations));
        Assert.Equal(check.Objective, plan.GetProperty("objective").GetInt64());
    }

    [Theory]
    [InlineData("\"surgeonId\":\"S1\",\"durationMinutes\":120", "\"surgeonId\":\"S9\",\"durationMinutes\":120", "$.cases[0].surgeonId")]
    [InlineData("\"minutesByDay\":[480,480,480,480,480]}, {\"id\":\"OR2\"", "\"minutesByDay\":[480,480]}, {\"id\":\"OR2\"", "$.rooms[0].minutesByDay")]
    [InlineData("\"durationMinutes\":90", "\"durationMinutes\":\"long\"", "$.cases[1].durationMinutes")]
    [InlineData("\"releaseDay\":1,\"dueDay\":null", "\"releaseDay\":3,\"dueDay\":2", "$.cases[1].dueDay")]
    [InlineData("\"openRoomDay\":20,", "", "$.weights.openRoomDay")]
    public async Task Bad_input_exits_2_naming_the_json_path(string from, string to, string path)
    {
        var (exit, _, stderr, _) = await Run(Example.Replace(from, to, StringComparison.Ordinal));
        Assert.Equal(2, exit);
        Assert.Contains(path + ":", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mandatory_cases_that_cannot_fit_exit_1_listing_them()
    {
        var (exit, _, stderr, output) = await Run(Example.Replace("\"requires\":[\"fluoroscopy\"]", "\"requires\":[\"neuromonitoring\"]", StringComparison.Ordinal));
        Assert.Equal(1, exit);
        Assert.Contains("mandatory case C1 cannot be scheduled: no room has neuromonitoring", stderr, StringComparison.Ordinal);
        Assert.Equal("infeasible", JsonDocument.Parse(await File.ReadAllTextAsync(output)).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Without_json_one_summary_line_tells_what_was_planned()
    {
        var (exit, stdout, stderr, output) = await Run(Example, "--solver", "greedy");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        var plan = JsonDocument.Parse(await File.ReadAllTextAsync(output)).RootElement;
        var placed = plan.GetProperty("assignments").GetArrayLength();
        var rooms = plan.GetProperty("assignments").EnumerateArray().Select(a => a.GetProperty("roomId").GetString()).Distinct().Count();
        var days = plan.GetProperty("assignments").EnumerateArray().Select(a => a.GetProperty("day").GetInt32()).Distinct().Count();
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Scheduled {placed} of 2 cases in {rooms} room{(rooms == 1 ? "" : "s")} over {days} day{(days == 1 ? "" : "s")}; ", line, StringComparison.Ordinal);
        Assert.Contains(plan.GetProperty("unscheduled").GetArrayLength() == 0 ? "none unscheduled" : " unscheduled: C", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_output_the_plan_alone_is_on_stdout_and_the_summary_on_stderr()
    {
        var input = Path.Combine(dir, "unscheduled.json");
        // C2 is optional and longer than any room-day: it stays unscheduled, and the summary names it.
        await File.WriteAllTextAsync(input, Example.Replace("\"durationMinutes\":90", "\"durationMinutes\":900", StringComparison.Ordinal));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["schedule", "--input", input, "--solver", "greedy"], stdout, stderr));
        var plan = JsonDocument.Parse(stdout.ToString()).RootElement;
        Assert.Equal(["C2"], plan.GetProperty("unscheduled").EnumerateArray().Select(u => u.GetString()!).ToArray());
        Assert.Equal("Scheduled 1 of 2 cases in 1 room over 1 day; 1 unscheduled: C2", stderr.ToString().Trim().Split(" (", 2)[0]);

        using var quiet = new StringWriter();
        using var quietErr = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["schedule", "--input", input, "--solver", "greedy", "--json"], quiet, quietErr));
        Assert.Equal("", quietErr.ToString());
        JsonDocument.Parse(quiet.ToString()).Dispose();
    }

    [Fact]
    public async Task Unknown_solver_is_bad_input()
    {
        var (exit, _, stderr, _) = await Run(Example, "--solver", "magic");
        Assert.Equal(2, exit);
        Assert.Contains("--solver", stderr, StringComparison.Ordinal);
    }
}
