using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Core.Data;

/// <summary>
/// Binding of settings sections (issue #12 §10). The configuration binder appends a configured list to the default
/// list it finds in the object (so `Pathway:FusionEvidenceModalities: ["MRI"]` would give CT and MRI); here a list
/// that is configured replaces the default, and a list that is not configured keeps it. Every section is validated
/// when the application starts, so a bad setting stops the start with its key instead of misbehaving later.
/// </summary>
public static class Settings
{
    /// <summary>Binds <paramref name="path"/>, replacing configured lists, and validates on start with <paramref name="problems"/>.</summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfiguration configuration, string path,
        Func<T, IEnumerable<string>>? problems = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(path);
        var builder = services.AddOptions<T>().Configure(o => Bind(o, section));
        if (problems is not null)
        {
            services.AddSingleton<IValidateOptions<T>>(new ProblemValidation<T>(path, problems));
        }
        return builder.ValidateOnStart();
    }

    /// <summary>Binds <paramref name="section"/> onto <paramref name="target"/>; configured lists replace the defaults.</summary>
    public static void Bind(object target, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(section);
        section.Bind(target);
        ReplaceLists(target, section);
    }

    private static void ReplaceLists(object target, IConfigurationSection section)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var child = section.GetSection(property.Name);
            if (!child.Exists())
            {
                continue;
            }
            var type = property.PropertyType;
            if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && !IsDictionary(type))
            {
                // A fresh list holding exactly what is configured, in order.
                property.SetValue(target, child.Get(type));
            }
            else if (type.IsClass && type != typeof(string) && !IsDictionary(type) && property.GetValue(target) is { } nested)
            {
                ReplaceLists(nested, child);
            }
        }
    }

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type) || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    private sealed class ProblemValidation<T>(string path, Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found.Select(p => $"{path}: {p}"));
        }
    }

    /// <summary>Small helpers for the problem lists of the options classes.</summary>
    public static IEnumerable<string> Range(string key, double value, double min, double max) =>
        value < min || value > max ? [$"{key} is {value}; it must be between {min} and {max}"] : [];
}
