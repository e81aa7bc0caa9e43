"""The TLS certificate a site presented, as facts for the evidence record."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes


def certificate_facts(certificate) -> dict | None:
    """Subject, issuer, validity, names and SHA-256 fingerprint of a Twisted/pyOpenSSL certificate."""
    if certificate is None:
        return None
    try:
        cert = certificate.original.to_cryptography()
    except Exception as err:  # a certificate we cannot read is itself a fact worth keeping
        return {"error": f"unreadable certificate: {type(err).__name__}"}
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        san = [str(value) for value in names.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        san = []
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_before": cert.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "serial": format(cert.serial_number, "x"),
        "san": san,
        "sha256": cert.fingerprint(hashes.SHA256()).hex(),
    }
