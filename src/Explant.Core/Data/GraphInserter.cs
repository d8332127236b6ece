using System.Collections;
using System.Text.Json;
using Explant.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Explant.Core.Data;

/// <summary>
/// Inserts new aggregates — each a root entity with its owned parts in JSON columns — and their audit rows straight from
/// the EF model, without the change tracker. Used by the demo cohort only (issue #17 §4: at N = 20 years the launch
/// seeded 2,600 cases in 25–34 s, against 15 s). A profile of that seed put nearly all of it in SaveChanges: each case
/// is about 105 tracked entries, because every element of an owned JSON list (checklist ticks, transitions, explant
/// lines…) is an entity to EF, attached, snapshotted, detected, turned into a modification command and audited one by
/// one, while the aggregates themselves took a tenth of the time to build.
/// <para>
/// What it writes is what SaveChanges writes for the same objects, column for column and audit row for audit row: the
/// table and column names, the JSON property names and each value's JSON writer, the parameters' type mappings (value
/// converters included) all come from the model, and <c>GraphInserterTests</c> hands the same aggregates to both and
/// compares the databases. The audit rows come from <see cref="AuditInterceptor.Created"/> and
/// <see cref="AuditInterceptor.WriteSnapshot"/>, which the interceptor's own rows use too; the one difference is the
/// synthesized key of a JSON list element, which the tracker numbers with a temporary negative value before the insert
/// and this writes as the element's position (1, 2, …), the number EF gives it when it reads the list back.
/// </para>
/// Refused rather than guessed: an owned type not mapped to JSON, a shadow property that is not a key, a foreign key to
/// the owner or a stored fact (<see cref="ExplantDbContext.StoredFact"/>), a key left for EF or the database to generate, a non-owned navigation
/// that holds something. The demo's domain interceptors (metrics) do not run: the cohort is history, not today's activity.
/// </summary>
internal sealed class GraphInserter(ExplantDbContext db, AuditInterceptor audit)
{
    private readonly Dictionary<IEntityType, Table> tables = [];
    private readonly AuditTable auditTable = new(db.Model.FindEntityType(typeof(AuditEntry))!);

    /// <summary>The audit log's columns: every property but its generated key, as <see cref="RowInserter"/> writes them.</summary>
    private sealed class AuditTable
    {
        private readonly IProperty[] properties;

        public AuditTable(IEntityType type)
        {
            Id = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            properties = [.. type.GetProperties().Where(p => !p.IsPrimaryKey())];
            Columns = [.. properties.Select(p => new InsertColumn(p.GetColumnName(Id)!, p.GetRelationalTypeMapping(), p.IsNullable))];
        }

        public StoreObjectIdentifier Id { get; }
        public InsertColumn[] Columns { get; }
        public object?[] Values(AuditEntry row) => [.. properties.Select(p => p.GetGetter().GetClrValueUsingContainingEntity(row))];
    }

    /// <summary>Inserts <paramref name="roots"/> (new aggregate roots, any order) and their audit rows in one transaction.</summary>
    public Task InsertAsync(IReadOnlyList<object> roots, CancellationToken ct) => WriteAsync(Prepare(roots), ct);

    /// <summary>
    /// The rows of <paramref name="roots"/> and their audit rows, ready to insert; touches no database, so it can run on
    /// another thread than <see cref="WriteAsync"/> (one thread at a time prepares, as the JSON buffers are the tables').
    /// </summary>
    public Rows Prepare(IReadOnlyList<object> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var now = audit.Now;
        var rows = new Dictionary<IEntityType, (Table Table, List<object?[]> Values)>();
        var auditRows = new List<AuditEntry>(roots.Count * 40);
        foreach (var root in roots)
        {
            var type = db.Model.FindEntityType(root.GetType()) ?? throw new NotSupportedException($"{root.GetType().Name} is not mapped");
            if (!rows.TryGetValue(type, out var table))
            {
                rows[type] = table = (TableOf(type), []);
            }
            table.Values.Add(table.Table.Row(root, now, auditRows));
        }
        return new Rows([.. DependencyOrder(rows.Keys).Select(type => rows[type])], [.. auditRows.Select(auditTable.Values)]);
    }

    /// <summary>Prepared rows: each table's in dependency order, then the audit rows.</summary>
    public sealed record Rows(IReadOnlyList<(Table Table, List<object?[]> Values)> Tables, IReadOnlyList<object?[]> Audit);

    /// <summary>Inserts prepared rows in one transaction: all of them, or none.</summary>
    public async Task WriteAsync(Rows rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var (table, values) in rows.Tables)
        {
            Insert(table.Id, table.Columns, values);
        }
        Insert(auditTable.Id, auditTable.Columns, rows.Audit);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// One prepared single-row INSERT per table, stepped once per row on the save's connection, inside its transaction,
    /// with each value bound by position through SQLite's own API. SQLite keeps the statement compiled between rows. A
    /// profile of the same inserts through <c>SqliteCommand</c> (one execution per row) had SQLite's own work at a tenth of
    /// the saving thread: the rest was the ADO.NET layer around each row (a data reader per execution, every parameter
    /// looked up by name, each text value copied to UTF-8 in a new array) and EF's pipeline around each command before that.
    /// Each value is what <c>RelationalTypeMapping.CreateParameter</c> would hand Microsoft.Data.Sqlite (the mapping's
    /// converter applied) and is stored as Microsoft.Data.Sqlite's <c>SqliteValueBinder</c> stores it (<see cref="Bind"/>).
    /// </summary>
    private void Insert(StoreObjectIdentifier table, IReadOnlyList<InsertColumn> columns, IReadOnlyList<object?[]> rows)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
        // The provider types EF gives these columns' parameters: only the default storage (text for times and GUIDs) is
        // written here, as the columns of this model use it.
        using (var probe = connection.CreateCommand())
        {
            foreach (var column in columns)
            {
                var parameter = (Microsoft.Data.Sqlite.SqliteParameter)column.Mapping.CreateParameter(probe, "@p", null, column.Nullable);
                if (parameter.SqliteType is Microsoft.Data.Sqlite.SqliteType.Blob or Microsoft.Data.Sqlite.SqliteType.Real
                    && column.Mapping.Converter?.ProviderClrType != typeof(byte[]) && column.Mapping.ClrType != typeof(byte[]) && column.Mapping.ClrType != typeof(double))
                {
                    throw new NotSupportedException($"{table.Name}.{column.Name} is stored as {parameter.SqliteType}; insert it with SaveChanges");
                }
            }
        }
        var text = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => "?" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))})";
        var handle = connection.Handle!;
        Check(handle, raw.sqlite3_prepare_v2(handle, text, out var statement));
        using (statement)
        {
            foreach (var row in rows)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    var value = row[c] is { } v && columns[c].Mapping.Converter is { } converter ? converter.ConvertToProvider(v) : row[c];
                    Check(handle, Bind(statement, c + 1, value));
                }
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(handle, rc);
                }
                Check(handle, raw.sqlite3_reset(statement));
            }
        }
    }

    private static void Check(sqlite3 handle, int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE)
        {
            throw new Microsoft.Data.Sqlite.SqliteException(raw.sqlite3_errmsg(handle).utf8_to_string(), rc, raw.sqlite3_extended_errcode(handle));
        }
    }

    /// <summary>
    /// A provider value stored as Microsoft.Data.Sqlite stores it with its default type for the value: integers (and
    /// enums, booleans) as INTEGER, floating point as REAL, text as TEXT, a <see cref="DateTime"/> as
    /// "yyyy-MM-dd HH:mm:ss.FFFFFFF", a <see cref="DateOnly"/> as "yyyy-MM-dd", a <see cref="TimeOnly"/> as
    /// "HH:mm:ss.fffffff" without trailing zeros of the fraction, a decimal as "0.0###…", a GUID as upper-case text.
    /// Anything else is refused; <c>GraphInserterTests</c> compares the stored rows with SaveChanges's.
    /// </summary>
    private static int Bind(sqlite3_stmt statement, int index, object? value)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            string s => raw.sqlite3_bind_text16(statement, index, s.AsSpan()),
            bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
            int i => raw.sqlite3_bind_int64(statement, index, i),
            long l => raw.sqlite3_bind_int64(statement, index, l),
            short h => raw.sqlite3_bind_int64(statement, index, h),
            byte y => raw.sqlite3_bind_int64(statement, index, y),
            double d when !double.IsNaN(d) => raw.sqlite3_bind_double(statement, index, d),
            decimal m => raw.sqlite3_bind_text16(statement, index, m.ToString("0.0###########################", invariant).AsSpan()),
            Guid g => raw.sqlite3_bind_text16(statement, index, g.ToString().ToUpperInvariant().AsSpan()),
            DateTime t => raw.sqlite3_bind_text16(statement, index, t.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", invariant).AsSpan()),
            DateOnly d => raw.sqlite3_bind_text16(statement, index, d.ToString(@"yyyy\-MM\-dd", invariant).AsSpan()),
            TimeOnly t => raw.sqlite3_bind_text16(statement, index, t.ToString(@"HH\:mm\:ss.FFFFFFF", invariant).AsSpan()),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
            Enum e => raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(e, invariant)),
            _ => throw new NotSupportedException($"a {value.GetType().Name} value is not written here; insert it with SaveChanges"),
        };
    }

    private Table TableOf(IEntityType type)
    {
        if (!tables.TryGetValue(type, out var table))
        {
            tables[type] = table = new Table(type, audit);
        }
        return table;
    }

    /// <summary>Principals before dependents (foreign keys between the batch's own tables), as SaveChanges orders its commands.</summary>
    private static List<IEntityType> DependencyOrder(IEnumerable<IEntityType> types)
    {
        var present = types.ToHashSet();
        var ordered = new List<IEntityType>();
        var visiting = new HashSet<IEntityType>();
        void Visit(IEntityType type)
        {
            if (ordered.Contains(type))
            {
                return;
            }
            if (!visiting.Add(type))
            {
                throw new NotSupportedException($"the foreign keys of {type.ClrType.Name} form a cycle; insert it with SaveChanges");
            }
            foreach (var principal in type.GetForeignKeys().Where(fk => !fk.IsOwnership).Select(fk => fk.PrincipalEntityType))
            {
                if (principal != type && present.Contains(principal))
                {
                    Visit(principal);
                }
            }
            ordered.Add(type);
        }
        foreach (var type in present.OrderBy(t => t.ClrType.Name, StringComparer.Ordinal))
        {
            Visit(type);
        }
        return ordered;
    }

    /// <summary>One root entity type: its table's columns (scalar properties, then one JSON column per owned navigation).</summary>
    internal sealed class Table
    {
        private readonly Shape shape;
        private readonly int[] columnOf;

        public StoreObjectIdentifier Id { get; }
        public List<InsertColumn> Columns { get; } = [];

        public Table(IEntityType type, AuditInterceptor audit)
        {
            if (type.IsOwned() || type.GetTableName() is not { } name)
            {
                throw new NotSupportedException($"{type.ClrType.Name} is not the root of an aggregate with its own table");
            }
            shape = new Shape(type, null, audit);
            Id = StoreObjectIdentifier.Table(name, type.GetSchema());
            columnOf = new int[shape.Properties.Length];
            for (var i = 0; i < shape.Properties.Length; i++)
            {
                var p = shape.Properties[i];
                columnOf[i] = p.GetColumnName(Id) is { } column ? Add(column, p.GetRelationalTypeMapping(), p.IsNullable) : -1;
            }
            var store = type.Model.GetRelationalModel().FindTable(Id.Name, Id.Schema)!;
            foreach (var navigation in shape.Owned)
            {
                var column = store.FindColumn(navigation.Navigation.TargetEntityType.GetContainerColumnName()!)!;
                Add(column.Name, column.StoreTypeMapping, column.IsNullable);
            }
        }

        private int Add(string column, RelationalTypeMapping mapping, bool nullable)
        {
            Columns.Add(new InsertColumn(column, mapping, nullable));
            return Columns.Count - 1;
        }

        public object?[] Row(object root, DateTime now, List<AuditEntry> auditRows)
        {
            var values = shape.Values(root, null, null);
            var row = new object?[Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                if (columnOf[i] >= 0)
                {
                    row[columnOf[i]] = values[i];
                }
            }
            var first = Columns.Count - shape.Owned.Length;
            for (var n = 0; n < shape.Owned.Length; n++)
            {
                if (shape.Owned[n].Getter.GetClrValue(root) is { } value)
                {
                    shape.Owned[n].Target.WriteOwned(json.Start(), shape.Owned[n], value, values, now, auditRows, snapshots);
                    row[first + n] = json.Text();
                }
            }
            shape.Audit(root, values, now, auditRows, snapshots);
            return row;
        }

        // The JSON columns' writer (EF's defaults) and the audit snapshots' (a batch is prepared by one thread at a time).
        private readonly JsonScratch json = new(default);
        private readonly JsonScratch snapshots = new(AuditInterceptor.SnapshotWriterOptions);
    }

    /// <summary>A JSON writer and its buffer, reused for one text after another.</summary>
    private sealed class JsonScratch(JsonWriterOptions options)
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> buffer = new(4096);
        private readonly Utf8JsonWriter writer = new(new System.Buffers.ArrayBufferWriter<byte>(), options);

        /// <summary>The writer, emptied for a new text.</summary>
        public Utf8JsonWriter Start()
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            return writer;
        }

        /// <summary>What was written since <see cref="Start"/>.</summary>
        public string Text()
        {
            writer.Flush();
            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    /// <summary>An owned navigation: how to read it and the shape of its elements.</summary>
    private sealed record OwnedNavigation(INavigation Navigation, IClrPropertyGetter Getter, string JsonName, Shape Target);

    /// <summary>
    /// One entity type, worked out once: where each property's value comes from (its getter; for an owned element the
    /// owner's key or its position in the list; for a root's shadow column the stored fact), its JSON name and writer,
    /// its key, its properties in the audit snapshot's order, and its owned navigations.
    /// </summary>
    private sealed class Shape
    {
        private enum Source { Getter, OwnerKey, Ordinal, StoredFact }

        private readonly IEntityType type;
        private readonly AuditInterceptor audit;
        private readonly Source[] sources;
        private readonly IClrPropertyGetter?[] getters;
        private readonly int[] ownerIndex;
        private readonly string?[] jsonNames;
        private readonly Microsoft.EntityFrameworkCore.Storage.Json.JsonValueReaderWriter?[] jsonWriters;
        private readonly int[] key;
        private readonly string[] sortedNames;
        private readonly int[] sorted;
        private readonly INavigation[] related;

        public IProperty[] Properties { get; }
        public OwnedNavigation[] Owned { get; }

        public Shape(IEntityType type, Shape? owner, AuditInterceptor audit)
        {
            this.type = type;
            this.audit = audit;
            Properties = [.. type.GetProperties()];
            var count = Properties.Length;
            sources = new Source[count];
            getters = new IClrPropertyGetter?[count];
            ownerIndex = new int[count];
            jsonNames = new string?[count];
            jsonWriters = new Microsoft.EntityFrameworkCore.Storage.Json.JsonValueReaderWriter?[count];
            var ownership = type.FindOwnership();
            for (var i = 0; i < count; i++)
            {
                var p = Properties[i];
                ownerIndex[i] = -1;
                var fk = ownership is null ? -1 : IndexOf(ownership.Properties, p);
                if (fk >= 0)
                {
                    sources[i] = Source.OwnerKey;
                    ownerIndex[i] = Array.IndexOf(owner!.Properties, ownership!.PrincipalKey.Properties[fk]);
                }
                else if (p.IsShadowProperty())
                {
                    // A list element's synthesized key is its position; any other shadow value lives only in the tracker
                    // (a root's stored fact is copied from the aggregate; anything else is refused when it is read).
                    sources[i] = ownership is not null && p.IsPrimaryKey() ? Source.Ordinal : Source.StoredFact;
                }
                else
                {
                    getters[i] = p.GetGetter();
                }
                if (p.GetJsonPropertyName() is { } name)
                {
                    jsonNames[i] = name;
                    jsonWriters[i] = p.GetJsonValueReaderWriter() ?? p.GetTypeMapping().JsonValueReaderWriter
                        ?? throw new NotSupportedException($"{type.ClrType.Name}.{p.Name} has no JSON writer");
                }
            }
            key = [.. type.FindPrimaryKey()!.Properties.Select(k => Array.IndexOf(Properties, k))];
            related = [.. type.GetNavigations().Where(n => !n.ForeignKey.IsOwnership)];
            sorted = [.. Enumerable.Range(0, count).OrderBy(i => Properties[i].Name, StringComparer.Ordinal)];
            sortedNames = [.. sorted.Select(i => Properties[i].Name)];
            Owned = [.. OwnedNavigations(type).Select(n => new OwnedNavigation(n, n.GetGetter(), n.TargetEntityType.GetJsonPropertyName()!, new Shape(n.TargetEntityType, this, audit)))];
        }

        /// <summary>Every property's value, in <see cref="Properties"/> order.</summary>
        public object?[] Values(object entity, object?[]? owner, int? ordinal)
        {
            RefuseRelated(entity);
            var values = new object?[Properties.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = sources[i] switch
                {
                    Source.Getter => getters[i]!.GetClrValueUsingContainingEntity(entity),
                    Source.OwnerKey => owner![ownerIndex[i]],
                    Source.Ordinal => ordinal ?? throw new NotSupportedException($"{type.ClrType.Name}.{Properties[i].Name} is a shadow key outside a list"),
                    _ => ExplantDbContext.StoredFact(entity, Properties[i].Name),
                };
            }
            foreach (var k in key)
            {
                if (values[k] is null || values[k]!.Equals(Properties[k].Sentinel))
                {
                    // SaveChanges would generate it (or the database would); the aggregates make their own keys (Guid v7).
                    throw new NotSupportedException($"{type.ClrType.Name}.{Properties[k].Name} has no value yet; insert it with SaveChanges");
                }
            }
            return values;
        }

        public void Audit(object entity, object?[] values, DateTime now, List<AuditEntry> auditRows, JsonScratch snapshots)
        {
            var ordered = new object?[sorted.Length];
            for (var i = 0; i < sorted.Length; i++)
            {
                ordered[i] = values[sorted[i]];
            }
            AuditInterceptor.WriteSnapshot(snapshots.Start(), entity, sortedNames, ordered);
            auditRows.Add(audit.Created(now, entity, [.. key.Select(k => values[k])], snapshots.Text()));
        }

        /// <summary>An owned navigation's value (this shape's elements): an array of them, or one.</summary>
        public void WriteOwned(Utf8JsonWriter writer, OwnedNavigation navigation, object value, object?[] owner, DateTime now, List<AuditEntry> auditRows, JsonScratch snapshots)
        {
            if (!navigation.Navigation.IsCollection)
            {
                WriteElement(writer, value, null, owner, now, auditRows, snapshots);
                return;
            }
            writer.WriteStartArray();
            var ordinal = 0;
            foreach (var item in (IEnumerable)value)
            {
                WriteElement(writer, item, ++ordinal, owner, now, auditRows, snapshots);
            }
            writer.WriteEndArray();
        }

        /// <summary>
        /// One owned element as a JSON object, and its audit row. Its key is the owner's key (the ownership's foreign key)
        /// plus, in a list, its position; neither is written into the JSON, as EF does not.
        /// </summary>
        private void WriteElement(Utf8JsonWriter writer, object item, int? ordinal, object?[] owner, DateTime now, List<AuditEntry> auditRows, JsonScratch snapshots)
        {
            var values = Values(item, owner, ordinal);
            writer.WriteStartObject();
            for (var i = 0; i < values.Length; i++)
            {
                if (jsonNames[i] is { } name)
                {
                    writer.WritePropertyName(name);
                    if (values[i] is { } value)
                    {
                        jsonWriters[i]!.ToJson(writer, value);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }
                }
            }
            foreach (var nested in Owned)
            {
                writer.WritePropertyName(nested.JsonName);
                if (nested.Getter.GetClrValue(item) is { } value)
                {
                    nested.Target.WriteOwned(writer, nested, value, values, now, auditRows, snapshots);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
            writer.WriteEndObject();
            Audit(item, values, now, auditRows, snapshots);
        }

        private static int IndexOf(IReadOnlyList<IProperty> properties, IProperty property)
        {
            for (var i = 0; i < properties.Count; i++)
            {
                if (properties[i] == property)
                {
                    return i;
                }
            }
            return -1;
        }

        private static IEnumerable<INavigation> OwnedNavigations(IEntityType type)
        {
            foreach (var navigation in type.GetNavigations().Where(n => n.ForeignKey.IsOwnership && n.DeclaringEntityType == n.ForeignKey.PrincipalEntityType))
            {
                if (!navigation.TargetEntityType.IsMappedToJson())
                {
                    throw new NotSupportedException($"{type.ClrType.Name}.{navigation.Name} is owned but not stored as JSON; insert it with SaveChanges");
                }
                yield return navigation;
            }
        }

        /// <summary>A navigation to another aggregate would be inserted by SaveChanges too; here it would be lost, so it is refused.</summary>
        private void RefuseRelated(object entity)
        {
            foreach (var navigation in related)
            {
                var value = navigation.GetGetter().GetClrValue(entity);
                if (value is not null && (!navigation.IsCollection || ((IEnumerable)value).GetEnumerator().MoveNext()))
                {
                    throw new NotSupportedException($"{type.ClrType.Name}.{navigation.Name} refers to another entity; insert it with SaveChanges");
                }
            }
        }
    }
}

/// <summary>A column written by <see cref="GraphInserter"/>: its name and the type mapping that makes its parameter.</summary>
internal readonly record struct InsertColumn(string Name, RelationalTypeMapping Mapping, bool Nullable);
