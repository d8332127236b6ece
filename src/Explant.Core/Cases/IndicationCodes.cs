namespace Explant.Core.Cases;

public sealed record IcdCandidate(string Code, string Title, string When);

public sealed record IndicationInfo(string Key, string Label, IReadOnlyList<IcdCandidate> Candidates, string Source);

/// <summary>
/// The seed's five indications (keys from the definition parser) with ICD-10-CM candidates from docs/clinical-rules.md §3 and §8
/// ([S9][S11][S12]). Suggestions for the coder, never a final code (rule 12 ⚠ coder review).
/// </summary>
public static class IndicationCodes
{
    public static readonly IReadOnlyList<IndicationInfo> All =
    [
        new("pain", "Hardware pain", [
            new("T84.84XA", "Pain due to internal orthopedic prosthetic devices, implants and grafts", "default"),
            new("M96.0", "Pseudarthrosis after fusion or arthrodesis", "add if CT shows non-union"),
            new("T84.216A", "Breakdown (mechanical) of internal fixation device of vertebrae", "add if a broken part is found"),
            new("T84.226A", "Displacement of internal fixation device of vertebrae", "add if a loose or displaced part is found"),
        ], "S9"),
        new("infection", "Infection", [
            new("T84.63XA", "Infection and inflammatory reaction due to internal fixation device of spine", "default; add the organism code (B95–B96) when known"),
        ], "S9"),
        new("malfunction", "Hardware malfunction or migration", [
            new("T84.216A", "Breakdown (mechanical) of internal fixation device of vertebrae", "broken"),
            new("T84.226A", "Displacement of internal fixation device of vertebrae", "displaced or migrated"),
            new("T84.296A", "Other mechanical complication of internal fixation device of vertebrae", "other (e.g. loosening ⚠)"),
            new("M96.0", "Pseudarthrosis after fusion or arthrodesis", "add if non-union"),
        ], "S9"),
        new("support-complete", "Completion of the intended support period", [
            new("Z47.2", "Encounter for removal of internal fixation device", "default; never with T84.6- (S12)"),
            new("Z47.82", "Orthopedic aftercare following scoliosis surgery", "scoliosis ⚠"),
        ], "S9"),
        new("skin-breakdown", "Skin irritation or breakdown", [
            new("T84.89XA", "Other specified complication of internal orthopedic devices, implants and grafts", "no dedicated code ⚠"),
            new("T84.84XA", "Pain due to internal orthopedic prosthetic devices, implants and grafts", "alternative ⚠"),
            new("T84.63XA", "Infection and inflammatory reaction due to internal fixation device of spine", "exposed or infected hardware ⚠"),
        ], "S9"),
    ];

    public static IndicationInfo? Find(string key) => All.FirstOrDefault(i => i.Key == key);
}
