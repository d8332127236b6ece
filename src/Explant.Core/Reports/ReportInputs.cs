using Explant.Core.Outcomes;
using Explant.Core.Theatre;

namespace Explant.Core.Reports;

/// <summary>One room on one day with at least one booking: its open minutes, what was booked and what was used.</summary>
/// <param name="OpenMinutes">The room's opening hours that day (0 when closed but booked outside hours).</param>
/// <param name="BookedMinutes">Sum of the bookings' durations (the estimate the list was built on).</param>
/// <param name="InRoomMinutes">Sum of the actual in-room minutes (InRoom → OutOfRoom) of the cases operated from those bookings.</param>
public sealed record RoomDayInput(string RoomId, DateOnly Date, int OpenMinutes, int BookedMinutes, int InRoomMinutes);

/// <summary>An operated case as the reports see it (no identifiers beyond the case number).</summary>
/// <param name="BookedMinutes">The booking's duration (estimate), when the case was booked.</param>
/// <param name="InRoomMinutes">Actual minutes in the room, when the record has both milestones.</param>
/// <param name="LengthOfStayDays">Discharge date − surgery date, when discharged.</param>
public sealed record CaseInput(int Number, DateOnly SurgeryDate, string ProcedureCode, IReadOnlyList<string> Indications,
    int? BookedMinutes, int? InRoomMinutes, int? LengthOfStayDays, int? ExpectedStayMinDays, int? ExpectedStayMaxDays);

public sealed record ComplicationInput(int CaseNumber, string Key, ClavienDindoGrade Grade);

public sealed record PromInput(int CaseNumber, string TimePoint, DateOnly CollectedOn, int? BackPain, int? LegPain, decimal? OdiScore);

/// <summary>One line of an explant reconciliation (planned or found), with its outcome and, when retained, why.</summary>
public sealed record ExplantInput(int CaseNumber, string Description, bool Planned, ExplantOutcome? Outcome, string? Detail);

/// <summary>Everything the service reports are computed from: plain data, loaded by <see cref="ServiceReport.Load"/> or built by hand in tests.</summary>
public sealed record ReportData(DateOnly From, DateOnly To, IReadOnlyList<RoomDayInput> RoomDays, IReadOnlyList<CaseInput> Cases,
    IReadOnlyList<ComplicationInput> Complications, IReadOnlyList<PromInput> Proms, IReadOnlyList<ExplantInput> Explants);
