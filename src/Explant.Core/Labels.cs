using System.Text;

namespace Explant.Core;

/// <summary>
/// Human labels for enum values shown on pages (issue #13 §6): "PatientRequest" reads "Patient request", "AttestReady"
/// reads "Attest readiness". One helper for every page; the API and CLI keep the enum names (they are the contract).
/// </summary>
public static class Labels
{
    // Where splitting the name does not read well.
    private static readonly Dictionary<string, string> Special = new(StringComparer.Ordinal)
    {
        ["AttestReady"] = "Attest readiness",
        ["FollowUp"] = "Follow-up",
        ["StartFollowUp"] = "Start follow-up",
        ["Asa"] = "ASA",
        ["Crp"] = "CRP",
        ["Esr"] = "ESR",
        ["Inr"] = "INR",
        ["Mri"] = "MRI",
        ["Ct"] = "CT",
        ["Doac"] = "DOAC",
        ["Lmwh"] = "LMWH",
        ["Ssi"] = "SSI",
    };

    public static string Of<T>(T value) where T : struct, Enum => Of(value.ToString());

    /// <summary>The label of an enum name (as views carry it); text that is not PascalCase comes back as it is.</summary>
    public static string Of(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }
        if (Special.TryGetValue(name, out var special))
        {
            return special;
        }
        if (name.Contains(' ', StringComparison.Ordinal) || name.Contains('-', StringComparison.Ordinal) || !char.IsUpper(name[0]))
        {
            return name;
        }
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var ch = name[i];
            var wordStart = i > 0 && char.IsUpper(ch) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (wordStart || (i > 0 && char.IsDigit(ch) && !char.IsDigit(name[i - 1])))
            {
                sb.Append(' ');
                // An acronym inside the name (e.g. "ByCT") stays in capitals; an ordinary word goes lower case.
                var acronym = i + 1 < name.Length && char.IsUpper(name[i + 1]);
                sb.Append(acronym ? ch : char.ToLowerInvariant(ch));
            }
            else
            {
                sb.Append(ch);
            }
        }
        return sb.ToString();
    }

    /// <summary>"surgeon", "surgeon or nurse", "surgeon, nurse or anesthesiologist".</summary>
    public static string Roles(IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return roles.Count <= 1 ? string.Join("", roles) : $"{string.Join(", ", roles.Take(roles.Count - 1))} or {roles[^1]}";
    }
}
