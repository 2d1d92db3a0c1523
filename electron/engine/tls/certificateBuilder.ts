/**
 * Builds X.509 v3 certificates (RFC 5280): the ASN.1 structure is encoded synchronously with
 * @peculiar/asn1-x509 and signed with node:crypto's native signer, so minting a leaf costs one
 * native signature (well under a millisecond for ECDSA P-256, about one for RSA-2048) instead
 * of the tens of milliseconds a pure-JS RSA signer takes.
 */
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';
const OID_ORGANIZATIONAL_UNIT = '2.5.4.11';
const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** RFC 5280 ub-common-name: a CN longer than this is invalid and strict validators reject it. */
const MAX_COMMON_NAME_LENGTH = 64;

export interface DistinguishedName {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
}

/** The signer of a certificate: its name (byte-exact, as in its own certificate) and key. */
export interface CertificateIssuer {
  name: Name;
  privateKey: KeyObject;
  /** The issuer's subjectKeyIdentifier, copied into the new certificate's authorityKeyIdentifier. */
  keyIdentifier: Buffer;
}

export interface CertificateSpec {
  subject: DistinguishedName;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** Omitted: self-signed with `selfSigningKey`. */
  issuer?: CertificateIssuer;
  /** The private key matching `publicKey`, for a self-signed certificate. */
  selfSigningKey?: KeyObject;
  /** Makes a CA certificate (basicConstraints CA:true, keyCertSign/cRLSign). */
  isCa?: boolean;
  /** DNS names and IP literals; IPs become iPAddress SANs (RFC 5280 §4.2.1.6), the rest dNSName. */
  subjectAltNames?: string[];
  /** Defaults to 16 random bytes, positive (RFC 5280 §4.1.2.2: at most 20 octets). */
  serialNumber?: Buffer;
}

export interface BuiltCertificate {
  pem: string;
  der: Buffer;
  serialNumberHex: string;
}

/** A positive, non-zero serial of 16 random bytes (128 bits, as CA/B Forum asks for ≥ 64). */
export function randomSerialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

export function distinguishedName(dn: DistinguishedName): Name {
  const rdns: RelativeDistinguishedName[] = [];
  const add = (type: string, value: string | undefined): void => {
    if (value === undefined || value === '') return;
    rdns.push(
      new RelativeDistinguishedName([
        new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
      ]),
    );
  };
  add(OID_ORGANIZATION, dn.organization);
  add(OID_ORGANIZATIONAL_UNIT, dn.organizationalUnit);
  const cn = dn.commonName;
  add(OID_COMMON_NAME, cn !== undefined && cn.length <= MAX_COMMON_NAME_LENGTH ? cn : undefined);
  return new Name(rdns);
}

/** The subject Name of a certificate, exactly as encoded in it (so an issuer name matches byte for byte). */
export function subjectNameOf(certificateDer: Buffer): Name {
  return AsnConvert.parse(certificateDer, Certificate).tbsCertificate.subject;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifierOf(publicKey: KeyObject): Buffer {
  return publicKeyInfo(publicKey).keyIdentifier;
}

/** Parsed once per key: leaves share one key, so this is paid once, not per host. */
const publicKeyInfos = new WeakMap<KeyObject, { spki: SubjectPublicKeyInfo; keyIdentifier: Buffer }>();

function publicKeyInfo(publicKey: KeyObject): { spki: SubjectPublicKeyInfo; keyIdentifier: Buffer } {
  let info = publicKeyInfos.get(publicKey);
  if (!info) {
    const spki = AsnConvert.parse(spkiDer(publicKey), SubjectPublicKeyInfo);
    const keyIdentifier = createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
    info = { spki, keyIdentifier };
    publicKeyInfos.set(publicKey, info);
  }
  return info;
}

function spkiDer(publicKey: KeyObject): Buffer {
  const key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  return key.export({ type: 'spki', format: 'der' });
}

function signatureAlgorithmFor(signingKey: KeyObject): AlgorithmIdentifier {
  switch (signingKey.asymmetricKeyType) {
    case 'rsa':
      // RFC 4055 §5: the parameters of sha256WithRSAEncryption MUST be NULL.
      return new AlgorithmIdentifier({ algorithm: OID_SHA256_WITH_RSA, parameters: null });
    case 'ec':
      // RFC 5758 §3.2: the parameters of ecdsa-with-SHA256 MUST be absent.
      return new AlgorithmIdentifier({ algorithm: OID_ECDSA_WITH_SHA256 });
    default:
      throw new Error(`Unsupported signing key type: ${signingKey.asymmetricKeyType ?? 'unknown'}`);
  }
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function generalName(name: string): GeneralName {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return isIP(bare) !== 0 ? new GeneralName({ iPAddress: bare }) : new GeneralName({ dNSName: name });
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function buildCertificate(spec: CertificateSpec): BuiltCertificate {
  const signingKey = spec.issuer?.privateKey ?? spec.selfSigningKey;
  if (!signingKey) throw new Error('buildCertificate: an issuer or a self-signing key is required');
  const subject = distinguishedName(spec.subject);
  const issuerName = spec.issuer?.name ?? subject;
  const { spki, keyIdentifier: subjectKeyId } = publicKeyInfo(spec.publicKey);
  const authorityKeyId = spec.issuer?.keyIdentifier ?? subjectKeyId;
  const serial = spec.serialNumber ?? randomSerialNumber();
  const algorithm = signatureAlgorithmFor(signingKey);
  const isEc = spec.publicKey.asymmetricKeyType === 'ec';

  const extensions: Extension[] = [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: spec.isCa === true })),
    extension(
      id_ce_keyUsage,
      true,
      new KeyUsage(
        spec.isCa
          ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature
          : // keyEncipherment only means something for RSA keys (RSA key transport in TLS ≤ 1.2).
            KeyUsageFlags.digitalSignature | (isEc ? 0 : KeyUsageFlags.keyEncipherment),
      ),
    ),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(subjectKeyId)),
    extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(authorityKeyId) }),
    ),
  ];
  if (!spec.isCa) {
    extensions.push(
      extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth, id_kp_clientAuth])),
    );
  }
  const altNames = spec.subjectAltNames ?? [];
  if (altNames.length > 0) {
    // RFC 5280 §4.2.1.6: the SAN extension MUST be critical when the subject is empty.
    extensions.push(
      extension(
        id_ce_subjectAltName,
        subject.length === 0,
        new SubjectAlternativeName(altNames.map(generalName)),
      ),
    );
  }

  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(serial),
    signature: algorithm,
    issuer: issuerName,
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  // ECDSA signatures come out DER-encoded (dsaEncoding 'der'), which is what X.509 carries.
  const signature = sign('sha256', tbsDer, signingKey);
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: toArrayBuffer(signature),
  });
  const der = Buffer.from(AsnConvert.serialize(certificate));
  return { pem: toPem(der), der, serialNumberHex: serial.toString('hex').toUpperCase() };
}
