using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Explant.Web.Hosting;

/// <summary>
/// Data-protection keys (they sign cookies and bearer tokens) are stored in the database so every instance shares
/// them; with <c>DataProtection:CertificatePath</c> set they are stored encrypted to that certificate, so a copy of
/// the database or a backup does not hand out the keys. Every instance needs the same certificate (with its private
/// key) to read them. A certificate that cannot be read stops the start with the setting's name.
/// </summary>
internal static class DataProtectionCertificate
{
    public const string PathKey = "DataProtection:CertificatePath";
    public const string PasswordKey = "DataProtection:CertificatePassword";

    public static IDataProtectionBuilder ProtectKeysWhenConfigured(this IDataProtectionBuilder keys, IConfiguration configuration)
    {
        var path = configuration[PathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return keys;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[PasswordKey]);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{PathKey}: the certificate '{path}' could not be read: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{PathKey}: the certificate '{path}' has no private key; the keys could be written but never read back");
        }
        return keys.ProtectKeysWithCertificate(certificate);
    }
}
