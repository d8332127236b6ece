using System.Globalization;

namespace Explant.Core.Data;

/// <summary>One page of a list, exactly as the API answers it (issue #17 §2): <c>{"items":[…],"page":1,"pageSize":50,"total":N}</c>.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total)
{
    /// <summary>Pages needed for <see cref="Total"/> (at least 1, so an empty list still reads "page 1 of 1").</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>A requested page: 1-based page number and its size.</summary>
public readonly record struct PageRequest(int Page, int PageSize)
{
    public int Skip => (Page - 1) * PageSize;

    public Paged<T> Of<T>(IReadOnlyList<T> items, int total) => new(items, Page, PageSize, total);

    /// <summary>Pages an in-memory list (already filtered and ordered).</summary>
    public Paged<T> Slice<T>(IReadOnlyList<T> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        return new([.. all.Skip(Skip).Take(PageSize)], Page, PageSize, all.Count);
    }
}

/// <summary>
/// Parses <c>?page=&amp;pageSize=</c> for every list (API and HTML pages): default page 1 of 50, at most 200 rows. The values
/// arrive as text so a bad one is refused naming the parameter (400), not answered with a generic binding error.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static PageRequest Parse(string? page, string? pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var p = Number("page", page, 1, 1, int.MaxValue / MaxPageSize, errors);
        var size = Number("pageSize", pageSize, DefaultPageSize, 1, MaxPageSize, errors);
        return errors.Count > 0 ? throw new ValidationException(errors) : new PageRequest(p, size);
    }

    private static int Number(string name, string? text, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors[name] = [$"'{text}' is not a whole number from {min} to {max}"];
            return fallback;
        }
        return value;
    }
}
