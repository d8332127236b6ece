using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Explant.Web.Api;

/// <summary>
/// A 200 JSON answer like <c>TypedResults.Ok(value)</c> (same serializer options, content type and OpenAPI description)
/// that encodes each value instance once. For a value shared by many requests, the case view the case read remembers
/// for unchanged rows (CaseRead), the encoding was a tenth of the read's time (issue #17); the bytes are kept beside
/// the instance, weakly, so they go when the read forgets it. The value must not change after it was first sent.
/// </summary>
internal sealed class EncodedJson<T>(T value) : IResult, IEndpointMetadataProvider where T : class
{
    private static readonly ConditionalWeakTable<T, Encoded> Cache = [];

    private sealed record Encoded(JsonSerializerOptions Options, byte[] Bytes);

    public T Value { get; } = value;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        if (!Cache.TryGetValue(Value, out var encoded) || !ReferenceEquals(encoded.Options, options))
        {
            encoded = new Encoded(options, JsonSerializer.SerializeToUtf8Bytes(Value, options));
            Cache.AddOrUpdate(Value, encoded);
        }
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = encoded.Bytes.Length;
        await httpContext.Response.Body.WriteAsync(encoded.Bytes, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
    }
}
