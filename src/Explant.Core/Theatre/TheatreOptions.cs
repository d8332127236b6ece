namespace Explant.Core.Theatre;

/// <summary>Prophylaxis agent timing from DOMAIN.md §4.4 (ASHP/IDSA/SIS/SHEA 2013, [S46], rule 31).</summary>
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

    /// <summary>How far ahead of the device clock a recorded time may be (tablet clocks drift).</summary>
    public int ClockToleranceMinutes { get; set; } = 2;
}
