namespace Explant.Core.Data;

/// <summary>A referenced record does not exist (HTTP 404, CLI exit 1).</summary>
public sealed class NotFoundException(string what) : Exception($"{what} not found");
