using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Explant.Core.Audit;

/// <summary>
/// Appends an <see cref="AuditEntry"/> for every added, modified or deleted entity in the same SaveChanges,
/// so the change and its audit row commit or fail together. Keys are client-generated (Guid v7) precisely so
/// that they are known here, before the insert.
/// </summary>
public sealed class AuditInterceptor(IActor actor, TimeProvider clock) : SaveChangesInterceptor
{
    // Secrets never reach the audit log; their change is recorded, their value is not.
    private static bool IsSecret(EntityEntry entry, string property) =>
        property is "PasswordHash" or "SecurityStamp"
        || (entry.Entity is Microsoft.AspNetCore.Identity.IdentityUserToken<string> && property == "Value")
        || (entry.Entity is Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey && property == "Xml");

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Append(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Append(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Append(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        BumpRevisions(context);
        var now = clock.GetUtcNow().UtcDateTime;
        var entries = context.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();
        foreach (var entry in entries)
        {
            if (entry.Entity is AuditEntry)
            {
                if (entry.State != EntityState.Added)
                {
                    throw new InvalidOperationException("the audit log is append-only: audit entries cannot be changed or deleted");
                }
                continue;
            }
            if (entry.Entity is AccessLogEntry)
            {
                // The access log is itself a log (and pruned by retention); auditing its rows would double every read.
                continue;
            }
            var action = entry.State switch
            {
                EntityState.Added => "created",
                EntityState.Deleted => "deleted",
                _ => "updated",
            };
            var before = entry.State == EntityState.Added ? null : Snapshot(entry, original: true);
            var after = entry.State == EntityState.Deleted ? null : Snapshot(entry, original: false);
            context.Add(AuditEntry.Record(now, actor.Name, entry.Metadata.ClrType.Name, KeyOf(entry), action, before, after));
        }
    }

    /// <summary>
    /// Every changed aggregate gets Revision + 1, also when only an owned part (a JSON collection) changed,
    /// so a concurrent writer holding the old revision fails instead of silently overwriting.
    /// </summary>
    private static void BumpRevisions(DbContext context)
    {
        var roots = new HashSet<EntityEntry>(ReferenceEqualityComparer.Instance);
        foreach (var entry in context.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList())
        {
            var root = RootOf(context, entry);
            if (root is { Entity: Data.IVersioned, State: EntityState.Modified or EntityState.Unchanged })
            {
                roots.Add(root);
            }
        }
        foreach (var root in roots)
        {
            var revision = root.Property(nameof(Data.IVersioned.Revision));
            revision.CurrentValue = (long)revision.OriginalValue! + 1;
        }
    }

    private static EntityEntry? RootOf(DbContext context, EntityEntry entry)
    {
        var current = entry;
        while (current.Metadata.FindOwnership() is { } ownership)
        {
            var useOriginal = current.State == EntityState.Deleted;
            var fk = ownership.Properties.Select(p => useOriginal ? current.Property(p.Name).OriginalValue : current.Property(p.Name).CurrentValue).ToArray();
            var principalType = ownership.PrincipalEntityType;
            var keyProps = ownership.PrincipalKey.Properties;
            current = context.ChangeTracker.Entries()
                .FirstOrDefault(e => e.Metadata == principalType && keyProps.Select(k => e.Property(k.Name).CurrentValue).SequenceEqual(fk));
            if (current is null)
            {
                return null;
            }
        }
        return current;
    }

    private static string KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        return key is null ? "" : string.Join("|", key.Properties.Select(p => Convert.ToString(entry.Property(p.Name).CurrentValue, System.Globalization.CultureInfo.InvariantCulture)));
    }

    // Enum names, not numbers: an auditor reads "State":"Assessed".
    private static readonly JsonSerializerOptions SnapshotJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static string Snapshot(EntityEntry entry, bool original)
    {
        var values = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in entry.Properties)
        {
            // For updates only the changed columns are interesting; for inserts and deletes, everything.
            if (entry.State == EntityState.Modified && !property.IsModified)
            {
                continue;
            }
            var name = property.Metadata.Name;
            values[name] = IsSecret(entry, name) ? "[redacted]" : original ? property.OriginalValue : property.CurrentValue;
        }
        return JsonSerializer.Serialize(values, SnapshotJson);
    }
}
