namespace Explant.Core.Readiness;

public enum DrugClass
{
    VitaminKAntagonist,
    Doac,
    Lmwh,
    P2Y12Inhibitor,
    Aspirin,
    Sglt2Inhibitor,
    Glp1ReceptorAgonist,
    Insulin,
    Metformin,
    Sulfonylurea,
    Nsaid,
}

public enum Dosing
{
    Daily,
    Weekly,
}

/// <summary>A drug as the table knows it: the generic agent, its class and (for GLP-1 RA) how often it is taken.</summary>
public sealed record DrugInfo(string Agent, DrugClass Class, Dosing Dosing = Dosing.Daily);

/// <summary>
/// Generic and common brand names → agent and class. Unknown names are never guessed: the caller lists them
/// as "needs review".
/// </summary>
public static class DrugTable
{
    private static readonly Dictionary<string, DrugInfo> Names = Build();

    private static Dictionary<string, DrugInfo> Build()
    {
        var d = new Dictionary<string, DrugInfo>(StringComparer.OrdinalIgnoreCase);
        void Add(DrugInfo info, params string[] names)
        {
            d[info.Agent] = info;
            foreach (var n in names)
            {
                d[n] = info;
            }
        }
        Add(new("warfarin", DrugClass.VitaminKAntagonist), "coumadin", "jantoven", "marevan");
        Add(new("apixaban", DrugClass.Doac), "eliquis");
        Add(new("rivaroxaban", DrugClass.Doac), "xarelto");
        Add(new("edoxaban", DrugClass.Doac), "savaysa", "lixiana");
        Add(new("dabigatran", DrugClass.Doac), "pradaxa", "dabigatran etexilate");
        Add(new("enoxaparin", DrugClass.Lmwh), "lovenox", "clexane");
        Add(new("dalteparin", DrugClass.Lmwh), "fragmin");
        Add(new("tinzaparin", DrugClass.Lmwh), "innohep");
        Add(new("clopidogrel", DrugClass.P2Y12Inhibitor), "plavix");
        Add(new("ticagrelor", DrugClass.P2Y12Inhibitor), "brilinta", "brilique");
        Add(new("prasugrel", DrugClass.P2Y12Inhibitor), "effient", "efient");
        Add(new("aspirin", DrugClass.Aspirin), "acetylsalicylic acid", "asa", "ecotrin", "bayer aspirin");
        Add(new("canagliflozin", DrugClass.Sglt2Inhibitor), "invokana");
        Add(new("dapagliflozin", DrugClass.Sglt2Inhibitor), "farxiga", "forxiga");
        Add(new("empagliflozin", DrugClass.Sglt2Inhibitor), "jardiance");
        Add(new("ertugliflozin", DrugClass.Sglt2Inhibitor), "steglatro");
        // GLP-1 RA dosing frequency decides the ASA-2023 hold; injectable semaglutide is weekly, oral (Rybelsus) daily.
        Add(new("semaglutide", DrugClass.Glp1ReceptorAgonist, Dosing.Weekly), "ozempic", "wegovy");
        d["rybelsus"] = new("semaglutide (oral)", DrugClass.Glp1ReceptorAgonist, Dosing.Daily);
        Add(new("liraglutide", DrugClass.Glp1ReceptorAgonist, Dosing.Daily), "victoza", "saxenda");
        Add(new("dulaglutide", DrugClass.Glp1ReceptorAgonist, Dosing.Weekly), "trulicity");
        Add(new("exenatide", DrugClass.Glp1ReceptorAgonist, Dosing.Daily), "byetta");
        d["bydureon"] = new("exenatide (extended release)", DrugClass.Glp1ReceptorAgonist, Dosing.Weekly);
        Add(new("tirzepatide", DrugClass.Glp1ReceptorAgonist, Dosing.Weekly), "mounjaro", "zepbound");
        Add(new("insulin", DrugClass.Insulin), "insulin glargine", "lantus", "insulin detemir", "levemir", "insulin aspart", "novorapid",
            "novolog", "insulin lispro", "humalog", "insulin degludec", "tresiba");
        Add(new("metformin", DrugClass.Metformin), "glucophage");
        Add(new("glipizide", DrugClass.Sulfonylurea), "glucotrol");
        Add(new("glimepiride", DrugClass.Sulfonylurea), "amaryl");
        Add(new("glyburide", DrugClass.Sulfonylurea), "glibenclamide", "diabeta");
        Add(new("gliclazide", DrugClass.Sulfonylurea), "diamicron");
        Add(new("ibuprofen", DrugClass.Nsaid), "advil", "motrin", "nurofen");
        Add(new("naproxen", DrugClass.Nsaid), "aleve", "naprosyn");
        Add(new("diclofenac", DrugClass.Nsaid), "voltaren", "voltarol");
        Add(new("celecoxib", DrugClass.Nsaid), "celebrex");
        Add(new("meloxicam", DrugClass.Nsaid), "mobic");
        return d;
    }

    /// <summary>Finds a drug by generic or brand name; a dose written after the name ("apixaban 5 mg") is ignored.</summary>
    public static DrugInfo? Find(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var t = name.Trim();
        if (Names.TryGetValue(t, out var exact))
        {
            return exact;
        }
        var words = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var n = words.Length - 1; n >= 1; n--)
        {
            if (Names.TryGetValue(string.Join(' ', words.Take(n)), out var prefix))
            {
                return prefix;
            }
        }
        return null;
    }

    public static string ClassName(DrugClass c) => c switch
    {
        DrugClass.VitaminKAntagonist => "vitamin K antagonist",
        DrugClass.Doac => "DOAC",
        DrugClass.Lmwh => "LMWH",
        DrugClass.P2Y12Inhibitor => "P2Y12 inhibitor",
        DrugClass.Aspirin => "aspirin",
        DrugClass.Sglt2Inhibitor => "SGLT2 inhibitor",
        DrugClass.Glp1ReceptorAgonist => "GLP-1 receptor agonist",
        DrugClass.Insulin => "insulin",
        DrugClass.Metformin => "metformin",
        DrugClass.Sulfonylurea => "sulfonylurea",
        DrugClass.Nsaid => "NSAID",
        _ => c.ToString(),
    };

    public static bool IsAnticoagulant(DrugClass c) => c is DrugClass.VitaminKAntagonist or DrugClass.Doac or DrugClass.Lmwh;

    public static bool IsGlucoseLowering(DrugClass c) =>
        c is DrugClass.Sglt2Inhibitor or DrugClass.Glp1ReceptorAgonist or DrugClass.Insulin or DrugClass.Metformin or DrugClass.Sulfonylurea;
}

public enum BleedRisk
{
    High,
    Low,
}

/// <summary>
/// The hold for one drug before one surgery date. <see cref="OmittedDays"/> = N means no dose on the N calendar
/// days before surgery, so the last dose is on surgery date − (N + 1); null when no hold rule applies and a
/// clinician decides (<see cref="NeedsReview"/>).
/// </summary>
public sealed record HoldInstruction(
    string Drug, DrugInfo Info, int? OmittedDays, DateOnly? LastDoseDate, int? ResumeAfterHours, int? ResumeAfterHoursMax,
    string Source, string Guidance, bool NeedsReview);

/// <summary>A hold rule needs an input the caller did not give (e.g. CrCl for dabigatran).</summary>
public sealed class MissingInputException(string input, string message) : Exception(message)
{
    public string Input { get; } = input;
}

/// <summary>Hold rules of docs/clinical-rules.md §5 (rules 18–23), each with its source.</summary>
public static class HoldRules
{
    public static HoldInstruction For(string drug, DateOnly surgeryDate, BleedRisk bleedRisk, decimal? crClMlMin, ReadinessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var info = DrugTable.Find(drug) ?? throw new KeyNotFoundException($"'{drug}' is not in the drug table; it needs review by a clinician");
        HoldInstruction Hold(int? omit, int? resume, int? resumeMax, string source, string guidance, bool review = false) =>
            new(drug, info, omit, omit is { } n ? surgeryDate.AddDays(-(n + 1)) : null, resume, resumeMax, source, guidance, review);

        switch (info.Class)
        {
            case DrugClass.VitaminKAntagonist:
                return Hold(5, null, null, "S34", "Stop 5 days before surgery and check the INR before surgery (threshold is local). Restart as the surgeon directs (timing unverified, often 12–24 h). No routine bridging.");
            case DrugClass.Doac when bleedRisk == BleedRisk.Low:
                // The source list (docs/clinical-rules.md §5) carries only the high-bleeding-risk rows (spine surgery is high risk, [S36]).
                return Hold(null, null, null, "S32", $"No low-bleeding-risk rule for {info.Agent} is configured (the clinical rules, docs/clinical-rules.md §5, list high risk only); a clinician decides.", review: true);
            case DrugClass.Doac when info.Agent == "dabigatran":
                if (crClMlMin is not { } crcl)
                {
                    throw new MissingInputException("--crcl", "dabigatran's hold depends on creatinine clearance: give --crcl (mL/min)");
                }
                return crcl >= 50
                    ? Hold(2, 48, 72, "S33", $"CrCl {crcl:0.#} mL/min (≥ 50): no dabigatran on the 2 days before surgery or on the day. Resume 48–72 h after surgery.")
                    : Hold(4, 48, 72, "S33", $"CrCl {crcl:0.#} mL/min (< 50): no dabigatran on the 4 days before surgery or on the day. Resume 48–72 h after surgery.");
            case DrugClass.Doac when info.Agent == "edoxaban":
                return Hold(options.EdoxabanOmitDays, 48, 72, "S33", $"No edoxaban on the {options.EdoxabanOmitDays} days before surgery or on the day (not studied in PAUSE ⚠). Resume 48–72 h after surgery ⚠.");
            case DrugClass.Doac:
                return Hold(2, 48, 72, "S32", $"No {info.Agent} on the 2 days before surgery or on the day. Resume 48–72 h after surgery. No bridging.");
            case DrugClass.Lmwh:
                return Hold(options.LmwhOmitDays, null, null, "S34", "Bridging is not routine; if used, the last dose is about 24 h before surgery ⚠. Restart as the surgeon directs.");
            case DrugClass.P2Y12Inhibitor:
                var (days, text) = info.Agent switch
                {
                    "clopidogrel" => (5, "5 days (5–7)"),
                    "ticagrelor" => (5, "3–5 days; the longer period is used for spine surgery"),
                    _ => (7, "7 days (7–10)"),
                };
                return Hold(days, null, null, info.Agent == "clopidogrel" ? "S34" : "S35r",
                    $"Stop {text} before surgery. A patient with a coronary stent sees cardiology before stopping ⚠. Restart when the surgeon decides.");
            case DrugClass.Aspirin:
                return options.AspirinOmitDays is { } a
                    ? Hold(a, null, null, "S35", $"Stop {a} days before surgery (site policy). Coronary stent: cardiology first ⚠.")
                    : Hold(null, null, null, "S34", "Aspirin is a policy choice (continue with cardiovascular risk, or stop 7 days): the surgeon decides for this patient.", review: true);
            case DrugClass.Sglt2Inhibitor:
                var sglt = info.Agent == "ertugliflozin" ? 4 : 3;
                return Hold(sglt, null, null, "S37", $"Stop at least {sglt} days before surgery. Restart when eating normally and ketoacidosis risks have resolved; monitor glucose while stopped.");
            case DrugClass.Metformin:
                return options.HoldMetforminOnSurgeryDay
                    ? Hold(0, null, null, "S38", "Do not take on the day of surgery ⚠.")
                    : Hold(null, null, null, "S38", "Continue (site policy) ⚠.", review: false);
            case DrugClass.Sulfonylurea:
                return Hold(0, null, null, "S38", "Do not take on the day of surgery.");
            case DrugClass.Glp1ReceptorAgonist:
                return options.GlpPolicy switch
                {
                    GlpPolicy.Asa2023 when info.Dosing == Dosing.Weekly =>
                        Hold(7, null, null, "S29", "Weekly dose: hold for the week before surgery (ASA 2023)."),
                    GlpPolicy.Asa2023 => Hold(0, null, null, "S29", "Daily dose: do not take on the day of surgery (ASA 2023)."),
                    GlpPolicy.Multisociety2024 => Hold(null, null, null, "S30",
                        "Continue the drug and follow a 24-hour liquid diet before surgery; assess GI symptoms and dose escalation (multisociety 2024)."),
                    _ => Hold(null, null, null, "S31",
                        "Continue; no solid food for 24 h, no clear drinks with ≥ 10 % glucose for 8 h, no liquids for 4 h; postpone if GI symptoms are severe (SPAQI 2025 ⚠)."),
                };
            case DrugClass.Insulin:
                return Hold(null, null, null, "S38", "Insulin doses before surgery are adjusted by the anaesthesia team; the clinical rules (docs/clinical-rules.md §5) give no fixed rule.", review: true);
            case DrugClass.Nsaid:
                return Hold(null, null, null, "S63", "NSAID hold (3–7 days depending on the drug) is unverified ⚠: a clinician decides.", review: true);
            default:
                return Hold(null, null, null, "", "needs review", review: true);
        }
    }
}

/// <summary>Cockcroft–Gault creatinine clearance, mL/min, from age, weight, sex and serum creatinine (mg/dL).</summary>
public static class CreatinineClearance
{
    public const decimal MicromolPerMgDl = 88.4m;

    public static decimal CockcroftGault(int ageYears, decimal weightKg, bool female, decimal serumCreatinineMgDl)
    {
        if (serumCreatinineMgDl <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(serumCreatinineMgDl), "serum creatinine must be positive");
        }
        var crcl = (140 - ageYears) * weightKg / (72 * serumCreatinineMgDl);
        return female ? crcl * 0.85m : crcl;
    }
}
