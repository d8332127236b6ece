using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Explant.Web.Forms;

/// <summary>
/// What the user typed into a form that was refused, handed back to the page the refusal returns to so its inputs are
/// prefilled (issue #13 §5: "keeping what was typed"). It travels like <see cref="OneTimeNotice"/>: an encrypted,
/// HttpOnly cookie scoped to that page, read once — not the query string, because the values are clinical text (URLs
/// end up in history, proxy logs and Referer headers) and operative note sections are far longer than a URL may be.
/// The cookie is chunked and compressed; what still does not fit is dropped (the refusal itself is always shown).
/// The page applies it only to the form named by the redirect's <c>form=</c>, and only on the page it was set for.
/// </summary>
public sealed class TypedInput
{
    private const string Cookie = "explant-typed";
    private const string Purpose = "Explant.TypedInput";
    private const string ItemKey = "Explant.TypedInput";

    /// <summary>Compressed and encrypted, at most this many characters (a few cookie chunks, well under the 32 KB header limit).</summary>
    private const int MaxCookieChars = 12_000;

    /// <summary>Never handed back: the antiforgery token and revision belong to the new rendering; secrets are not stored; a signature is given afresh.</summary>
    private static readonly HashSet<string> NotKept = new(StringComparer.OrdinalIgnoreCase)
    {
        "__RequestVerificationToken", "revision", "password", "token", "signature", "returnUrl",
    };

    private static readonly TypedInput None = new("", new Dictionary<string, string[]>());

    private readonly IReadOnlyDictionary<string, string[]> values;

    private TypedInput(string form, IReadOnlyDictionary<string, string[]> values)
    {
        Form = form;
        this.values = values;
    }

    /// <summary>The form the values were posted from ("" when nothing was handed back).</summary>
    public string Form { get; }

    private sealed record Payload(string Path, string Form, Dictionary<string, string[]> Values);

    /// <summary>Keeps <paramref name="f"/> (minus <see cref="NotKept"/>) for the next rendering of <paramref name="pagePath"/>.</summary>
    internal static void Keep(HttpContext http, string pagePath, string form, IFormCollection f)
    {
        var kept = f.Where(x => !NotKept.Contains(x.Key)).ToDictionary(x => x.Key, x => x.Value.Select(v => v ?? "").ToArray(), StringComparer.Ordinal);
        var protector = http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        var sealedValue = Seal(protector, new Payload(pagePath, form, kept));
        // Too long even compressed (a very long note): keep the short fields, drop the long texts.
        if (sealedValue.Length > MaxCookieChars)
        {
            sealedValue = Seal(protector, new Payload(pagePath, form, kept.Where(x => x.Value.Sum(v => v.Length) <= 500).ToDictionary(StringComparer.Ordinal)));
        }
        if (sealedValue.Length <= MaxCookieChars)
        {
            Cookies().AppendResponseCookie(http, Cookie, sealedValue, Options(http, pagePath));
        }
    }

    /// <summary>The values handed back to this page after a refusal of the form named by ?form=; an empty set otherwise. Read once per request.</summary>
    public static TypedInput For(HttpContext? http)
    {
        if (http is null)
        {
            return None;
        }
        if (http.Items.TryGetValue(ItemKey, out var cached) && cached is TypedInput known)
        {
            return known;
        }
        var found = Read(http) ?? None;
        http.Items[ItemKey] = found;
        return found;
    }

    private static TypedInput? Read(HttpContext http)
    {
        var form = http.Request.Query["form"].ToString();
        if (form.Length == 0 || http.Request.Query["error"].Count == 0)
        {
            return null;
        }
        var cookies = Cookies();
        if (cookies.GetRequestCookie(http, Cookie) is not { Length: > 0 } sealedValue)
        {
            return null;
        }
        if (!http.Response.HasStarted)
        {
            cookies.DeleteCookie(http, Cookie, Options(http, http.Request.Path));
        }
        try
        {
            var protector = http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
            using var zipped = new MemoryStream(protector.Unprotect(WebEncoders.Base64UrlDecode(sealedValue)));
            using var unzip = new BrotliStream(zipped, CompressionMode.Decompress);
            var payload = JsonSerializer.Deserialize<Payload>(unzip);
            // Only on the page it was kept for and for the form the refusal names (another tab's leftovers are ignored).
            return payload is not null && string.Equals(payload.Path, http.Request.Path, StringComparison.OrdinalIgnoreCase) && payload.Form == form
                ? new TypedInput(payload.Form, payload.Values)
                : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException or InvalidDataException)
        {
            return null; // tampered, from another key ring or garbled: the form shows its saved values instead
        }
    }

    private static string Seal(IDataProtector protector, Payload payload)
    {
        using var buffer = new MemoryStream();
        using (var zip = new BrotliStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(zip, payload);
        }
        // Base64url: nothing for the cookie writer to percent-escape, so a chunk stays the size it was cut to.
        return WebEncoders.Base64UrlEncode(protector.Protect(buffer.ToArray()));
    }

    /// <summary>Chunks well under the 4,096 bytes a browser keeps per cookie (name and attributes count too).</summary>
    private static ChunkingCookieManager Cookies() => new() { ChunkSize = 3_800 };

    private static CookieOptions Options(HttpContext http, string pagePath) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = pagePath,
        MaxAge = TimeSpan.FromMinutes(10),
        IsEssential = true,
    };

    /// <summary>True when <paramref name="form"/> is the refused form being handed back.</summary>
    public bool Posted(string form) => Form.Length > 0 && Form == form;

    /// <summary>The typed text of <paramref name="key"/> when <paramref name="form"/> was refused; otherwise <paramref name="saved"/> (what the record holds).</summary>
    public string? Or(string form, string key, string? saved = null) =>
        Posted(form) ? values.TryGetValue(key, out var v) ? string.Join("\n", v) : null : saved;

    /// <summary>Whether a checkbox or radio with <paramref name="value"/> was ticked when <paramref name="form"/> was refused; otherwise <paramref name="saved"/>.</summary>
    public bool Checked(string form, string key, string value, bool saved) =>
        Posted(form) ? values.TryGetValue(key, out var v) && v.Contains(value, StringComparer.Ordinal) : saved;

    /// <summary>For a select option: chosen when it was the posted choice; otherwise <paramref name="saved"/>.</summary>
    public bool Selected(string form, string key, string value, bool saved = false) =>
        Posted(form) && values.TryGetValue(key, out var v) ? v.Contains(value, StringComparer.Ordinal) : saved;
}
