namespace Explant.Core.Theatre;

/// <summary>Prophylaxis agent timing from docs/clinical-rules.md §7 (ASHP/IDSA/SIS/SHEA 2013, [S46], rule 31).</summary>
public sealed class ProphylaxisAgent
{
    public string Name { get; set; } = "";
    /// <summary>Latest start before incision (cefazolin and clindamycin ≤ 60 min, vancomycin ≤ 120 min).</summary>
    public int WindowMinutes { get; set; }
    /// <summary>Redose interval from the start of the pre-op dose; null = no redose.</summary>
    public int? RedoseMinutes { get; set; }
}

public sealed class TheatreOptions
{
    public List<ProphylaxisAgent> Prophylaxis { get; set; } =
    [
        new() { Name = "cefazolin", WindowMinutes = 60, RedoseMinutes = 240 },
        new() { Name = "vancomycin", WindowMinutes = 120, RedoseMinutes = null },
        new() { Name = "clindamycin", WindowMinutes = 60, RedoseMinutes = 360 },
    ];

    /// <summary>Blood loss that prompts an early redose: "&gt; 1500 mL is a common local trigger" (§4.4 ⚠ local).</summary>
    public int RedoseBloodLossMl { get; set; } = 1500;

    /// <summary>
    /// How far ahead of the server's clock a recorded milestone or dose time may be (tablet clocks drift; a time
    /// further ahead is a typo or a back-/forward-dated entry and is refused). Not a clinical fact: a device setting.
    /// </summary>
    public int MilestoneFutureToleranceMinutes { get; set; } = 2;

    /// <summary>Every problem with the settings (empty when valid); the start-up check refuses a bad configuration.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MilestoneFutureToleranceMinutes is < 0 or > 30)
        {
            problems.Add($"Theatre:MilestoneFutureToleranceMinutes must be 0–30 (got {MilestoneFutureToleranceMinutes})");
        }
        if (RedoseBloodLossMl <= 0)
        {
            problems.Add($"Theatre:RedoseBloodLossMl must be positive (got {RedoseBloodLossMl})");
        }
        if (Prophylaxis.Count == 0)
        {
            problems.Add("Theatre:Prophylaxis lists no agent");
        }
        foreach (var a in Prophylaxis)
        {
            if (string.IsNullOrWhiteSpace(a.Name) || a.WindowMinutes <= 0 || a.RedoseMinutes is <= 0)
            {
                problems.Add($"Theatre:Prophylaxis '{a.Name}' needs a name, a positive window and a positive redose interval (or none)");
            }
        }
        if (Prophylaxis.GroupBy(a => a.Name.Trim().ToLowerInvariant()).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            problems.Add($"Theatre:Prophylaxis lists '{twice.Key}' twice (a configured list is appended to the defaults: list every agent once)");
        }
        return problems;
    }
}
