import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';

function validateEmail({ value, text, end }: MatchInput): Validation | null {
  // 'a@b.c' glued to more domain characters was cut by the pattern's length limits: not an address.
  if (/[A-Za-z0-9-]/.test(text[end] ?? '')) return null;
  const at = value.indexOf('@');
  const domain = value.slice(at + 1);
  if (domain.startsWith('.') || domain.includes('..') || value.startsWith('.')) return null;
  return { normalized: value.toLowerCase() };
}

export const emailDetector: DetectorDefinition = {
  id: 'email',
  name: 'Email address',
  description: 'Email addresses; low alone, medium in a file that identifies a patient',
  hipaa: 'email-addresses',
  role: 'identifier',
  version: 1,
  keywords: ['email', 'e-mail', 'mail'],
  columnHeaders: ['email', 'e-mail', 'email address', 'mail'],
  patterns: [
    { re2: '\\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\\.)+[A-Za-z]{2,24}\\b', confidence: 'medium', label: 'email address' },
  ],
  validate: validateEmail,
  context: { window: 24, raise: ['email', 'e-mail', 'contact'], lower: [] },
  documentGated: true,
  examples: {
    positive: [
      { text: 'Email: mary.johnson82@example.com', normalized: 'mary.johnson82@example.com', minConfidence: 'low' },
      { text: 'write to J.Smith+portal@mail.example.org today', normalized: 'j.smith+portal@mail.example.org', minConfidence: 'medium', context: { documentHasPatientIdentifier: true } },
      { text: 'jdoe@clinic.example.net', context: { columnHeader: 'Email' }, normalized: 'jdoe@clinic.example.net' },
    ],
    negative: [
      { text: 'user@localhost' },
      { text: 'the @ sign and foo@.com' },
      { text: 'version 1.2@3' },
    ],
  },
};

const IDENTIFYING_PATH = /(?:[0-9]{4,}|[?&;](?:patient|pt|mrn|member|user|uid|id|account|acct|token|chart)[a-z_]*=)/i;

function validateUrl({ value }: MatchInput): Validation | null {
  // A site's home page names an organisation; a URL with a record number or user parameter points at a person.
  const trimmed = value.replace(/[.,;:)]+$/, '');
  const slash = trimmed.indexOf('/', trimmed.indexOf('//') + 2);
  const rest = slash < 0 ? '' : trimmed.slice(slash);
  if (!IDENTIFYING_PATH.test(rest)) return null;
  return { normalized: trimmed.toLowerCase(), length: trimmed.length };
}

export const urlDetector: DetectorDefinition = {
  id: 'url',
  name: 'Personal URL',
  description: 'URLs whose path or query carries a record, member or user identifier (patient-portal links); plain site URLs are not reported',
  hipaa: 'urls',
  role: 'identifier',
  version: 1,
  keywords: ['http', 'www'],
  columnHeaders: ['url', 'link', 'portal'],
  patterns: [
    { re2: "\\b(?i:https?://|www\\.)[A-Za-z0-9.-]+(?::[0-9]{2,5})?/[A-Za-z0-9._~%!$&'()*+,;=:@/?#-]*", confidence: 'medium', label: 'URL with a path' },
  ],
  validate: validateUrl,
  context: { window: 32, raise: ['portal', 'patient', 'chart', 'link', 'record'], lower: [] },
  documentGated: true,
  examples: {
    positive: [
      { text: 'Portal: https://portal.example.org/patient/88123456/summary', normalized: 'https://portal.example.org/patient/88123456/summary', minConfidence: 'low' },
      { text: 'see https://mychart.example.com/view?mrn=A1234567.', normalized: 'https://mychart.example.com/view?mrn=a1234567', minConfidence: 'low' },
      { text: 'www.example.net/records/u/55661234', normalized: 'www.example.net/records/u/55661234', minConfidence: 'medium', context: { documentHasPatientIdentifier: true } },
    ],
    negative: [
      { text: 'Visit https://www.example.org/about-us' },
      { text: 'www.riverside-clinic.example/' },
      { text: 'https://example.com' },
    ],
  },
};

function validIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => p.length <= 3 && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

/** A full (eight groups) or '::'-compressed IPv6 address; clock times and MAC addresses have neither. */
function validIpv6(value: string): boolean {
  const double = value.indexOf('::');
  if (double >= 0 && value.indexOf('::', double + 1) >= 0) return false;
  const groups = value.split(':').filter((g) => g.length > 0);
  if (groups.some((g) => g.length > 4)) return false;
  return double >= 0 ? groups.length >= 2 && groups.length <= 7 : groups.length === 8;
}

/** Dotted numbers after these words are versions, OIDs or section numbers, not hosts. */
const NOT_AN_ADDRESS = /\b(?:version|ver|v|release|build|oid|section|figure|table|lot|rev)[ .:#]*$/i;

function validateIp({ value, text, start, end, pattern }: MatchInput): Validation | null {
  if (pattern.label === 'IPv4 address') {
    // '1.2.3.4.5' or 'v10.2.0.1' are versions or OIDs.
    if (text[end] === '.' && /[0-9]/.test(text[end + 1] ?? '')) return null;
    if (text[start - 1] === '.' || /[vV]/.test(text[start - 1] ?? '')) return null;
    if (NOT_AN_ADDRESS.test(text.slice(Math.max(0, start - 24), start))) return null;
    return validIpv4(value) ? { normalized: value } : null;
  }
  if (text[end] === ':' || text[start - 1] === ':') return null;
  return validIpv6(value) ? { normalized: value.toLowerCase() } : null;
}

export const ipDetector: DetectorDefinition = {
  id: 'ip',
  name: 'IP address',
  description: 'IPv4 and IPv6 addresses; low alone, medium in a file that identifies a patient; version numbers lower',
  hipaa: 'ip-addresses',
  role: 'identifier',
  version: 1,
  keywords: ['ip', 'ip address', 'ipv4', 'ipv6', 'host', 'client', 'remote addr'],
  columnHeaders: ['ip', 'ip address', 'client ip', 'remote ip', 'source ip'],
  patterns: [
    { re2: '\\b[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\b', confidence: 'medium', label: 'IPv4 address' },
    { re2: '\\b(?:[0-9A-Fa-f]{1,4}:){1,7}(?:(?::[0-9A-Fa-f]{1,4}){1,6}|[0-9A-Fa-f]{1,4}|:)', confidence: 'medium', label: 'IPv6 address', gated: true },
  ],
  validate: validateIp,
  context: { window: 32, raise: ['ip', 'address', 'login', 'client', 'from'], lower: ['version', 'ver', 'v', 'release', 'build', 'oid', 'section', 'figure', 'table', 'lot'] },
  documentGated: true,
  examples: {
    positive: [
      { text: 'login from 203.0.113.45 at 09:12', normalized: '203.0.113.45', minConfidence: 'low' },
      { text: 'client ip 2001:db8:85a3::8a2e:370:7334', normalized: '2001:db8:85a3::8a2e:370:7334', minConfidence: 'low' },
      { text: 'IP address 198.51.100.7', normalized: '198.51.100.7', minConfidence: 'medium', context: { documentHasPatientIdentifier: true } },
    ],
    negative: [
      { text: 'version 1.2.3.4 released' },
      { text: 'IP 256.1.1.1' },
      { text: 'ip host at 10:30:45 today' },
      { text: 'ip mac 00:1a:2b:3c:4d:5e' },
      { text: 'section 1.2.3.4.5' },
    ],
  },
};
