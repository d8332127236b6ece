namespace Explant.Planner;

/// <summary>An operating room: capabilities (e.g. "fluoroscopy") and open minutes per planning day (0 = closed).</summary>
public sealed record Room(string Id, IReadOnlyList<string> Capabilities, IReadOnlyList<int> MinutesByDay);

/// <summary>A surgeon's operating limit per planning day (0 = not available).</summary>
public sealed record Surgeon(string Id, IReadOnlyList<int> MaxMinutesByDay);

/// <summary>A case to place: within [ReleaseDay, DueDay] (DueDay null = any day), in a room with every required capability.</summary>
public sealed record PlanCase(string Id, string SurgeonId, int DurationMinutes, int ReleaseDay, int? DueDay, bool Mandatory, IReadOnlyList<string> Requires);

public sealed record Weights(int UnscheduledOptional, int DelayPerDay, int OpenRoomDay, int SurgeonRoomSwitch);

/// <summary>The planning problem: plain records in, no database (README, "Layout": Explant.Planner).</summary>
public sealed record Problem(int Days, int TurnoverMinutes, IReadOnlyList<Room> Rooms, IReadOnlyList<Surgeon> Surgeons,
    IReadOnlyList<PlanCase> Cases, Weights Weights);

public sealed record Assignment(string CaseId, int Day, string RoomId, int StartMinute);

public enum PlanStatus
{
    Optimal,
    Feasible,
    Infeasible,
}

public sealed record Plan(PlanStatus Status, long Objective, long LowerBound, IReadOnlyList<Assignment> Assignments, IReadOnlyList<string> Unscheduled);

/// <summary>Mandatory cases that cannot all be placed, each with the reason found.</summary>
public sealed class InfeasibleException(IReadOnlyList<(string CaseId, string Reason)> cases)
    : Exception("mandatory cases cannot all be scheduled: " + string.Join("; ", cases.Select(c => $"{c.CaseId}: {c.Reason}")))
{
    public IReadOnlyList<(string CaseId, string Reason)> Cases { get; } = cases;
}
