import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { compactId, countDigits, gtinValid } from '../validators/checksums.js';

/** Identifiers without a checksum: a label says what the number is, so every pattern starts with one. */
const ID_VALUE = '[A-Za-z0-9][A-Za-z0-9-]{3,22}[A-Za-z0-9]';
const SEP = '[ \\t]*(?:[:#=]|no\\.?|number|num)?[ \\t]*[:#]?[ \\t]*';

/** 5–24 characters once separators go, at least four of them digits (a label followed by a word is not an ID). */
function validateLabelledId({ value }: MatchInput): Validation | null {
  const compact = compactId(value);
  if (compact.length < 5 || compact.length > 24 || countDigits(compact) < 4) return null;
  return { normalized: compact };
}

const PLAN_LABEL =
  '(?i:member[ ]?(?:id|#)|subscriber[ ]?(?:id|#)|policy[ ]?(?:id|#|no\\.?|number)|health[ ]plan[ ](?:id|number|#)|insurance[ ](?:id|#|no\\.?|number)|plan[ ]?(?:id|#)|beneficiary[ ](?:id|#|number)|medicaid[ ](?:id|#|no\\.?|number)|group[ ]?(?:#|no\\.?|number))';

export const healthPlanIdDetector: DetectorDefinition = {
  id: 'health-plan-id',
  name: 'Health plan beneficiary number',
  description: 'Member, subscriber, policy, Medicaid and group numbers after their label or in such a column',
  hipaa: 'health-plan-beneficiary-numbers',
  role: 'identifier',
  version: 1,
  keywords: ['member', 'subscriber', 'policy', 'health plan', 'insurance', 'plan id', 'medicaid', 'beneficiary', 'group'],
  columnHeaders: ['member id', 'subscriber id', 'policy number', 'policy #', 'policy no', 'insurance id', 'plan id', 'medicaid id', 'member number', 'group number'],
  patterns: [
    { re2: `\\b${PLAN_LABEL}${SEP}(?P<v>${ID_VALUE})\\b`, confidence: 'medium', label: 'health plan number label', gated: true },
    { re2: `^[ \\t]*(?P<v>${ID_VALUE})[ \\t]*$`, confidence: 'medium', label: 'value in a member ID column', scope: 'cell' },
  ],
  validate: validateLabelledId,
  context: { window: 40, raise: ['insurance', 'payer', 'plan', 'coverage', 'medicaid', 'bcbs', 'eligibility'], lower: ['order', 'invoice', 'tracking', 'part'] },
  examples: {
    positive: [
      { text: 'Member ID: XKW884512093', normalized: 'XKW884512093', minConfidence: 'medium' },
      { text: 'Insurance: Acme Health, Policy # 77-4410-2231', normalized: '7744102231', minConfidence: 'high' },
      { text: 'Medicaid ID 44829910C', normalized: '44829910C', minConfidence: 'high' },
      { text: 'ZGP55012345', context: { columnHeader: 'Member ID' }, normalized: 'ZGP55012345', minConfidence: 'medium' },
    ],
    negative: [
      { text: 'Member ID: pending' },
      { text: 'Policy number: see attached' },
      { text: 'The group meets on Tuesdays' },
    ],
  },
};

const ACCOUNT_LABEL =
  '(?i:account[ ]?(?:#|no\\.?|number|num)|acct\\.?[ ]?(?:#|no\\.?|number)?|billing[ ]account|guarantor[ ](?:account|acct|#)|patient[ ]account|statement[ ]account)';

export const accountNumberDetector: DetectorDefinition = {
  id: 'account-number',
  name: 'Account number',
  description: 'Billing, patient and guarantor account numbers after their label or in an account column',
  hipaa: 'account-numbers',
  role: 'identifier',
  version: 1,
  keywords: ['account', 'acct', 'guarantor', 'billing'],
  columnHeaders: ['account', 'account number', 'account #', 'acct', 'acct #', 'acct no', 'guarantor account', 'billing account'],
  patterns: [
    { re2: `\\b${ACCOUNT_LABEL}${SEP}(?P<v>${ID_VALUE})\\b`, confidence: 'medium', label: 'account number label', gated: true },
    { re2: `^[ \\t]*(?P<v>${ID_VALUE})[ \\t]*$`, confidence: 'medium', label: 'value in an account column', scope: 'cell' },
  ],
  validate: validateLabelledId,
  context: { window: 40, raise: ['patient', 'billing', 'statement', 'balance', 'guarantor', 'bank'], lower: ['vendor', 'supplier', 'gl', 'ledger'] },
  examples: {
    positive: [
      { text: 'Account #: 50012345678', normalized: '50012345678', minConfidence: 'medium' },
      { text: 'Patient account 88-1234-55 balance', normalized: '88123455', minConfidence: 'medium' },
      { text: 'ACCT-00912288', context: { columnHeader: 'Account Number' }, normalized: 'ACCT00912288', minConfidence: 'medium' },
    ],
    negative: [
      { text: 'Account: closed' },
      { text: 'Your account is ready' },
      { text: 'acct mgr Smith' },
    ],
  },
};

// 'DL' only in capitals: 'mg/dL 125-199' is a lab reference range.
const LICENSE_LABEL =
  "(?:(?i:driver'?s?[ ]licen[cs]e|licen[cs]e[ ]?(?:#|no\\.?|number|id)?|lic\\.?[ ]?(?:#|no\\.?)|certificate[ ](?:#|no\\.?|number)|permit[ ](?:#|no\\.?|number)|state[ ]id)|DL|D\\.L\\.)";

export const licenseNumberDetector: DetectorDefinition = {
  id: 'license-number',
  name: 'Certificate or licence number',
  description: "Driver's licences, professional licences, certificates and permits after their label or in such a column",
  hipaa: 'certificate-license-numbers',
  role: 'identifier',
  version: 1,
  keywords: ['license', 'licence', 'dl', 'lic', 'certificate', 'permit', 'state id'],
  columnHeaders: ["driver's license", 'drivers license', 'license', 'license number', 'licence', 'dl', 'dl number', 'certificate number'],
  patterns: [
    { re2: `\\b${LICENSE_LABEL}${SEP}(?P<v>${ID_VALUE})\\b`, confidence: 'medium', label: 'licence number label', gated: true },
    { re2: `^[ \\t]*(?P<v>${ID_VALUE})[ \\t]*$`, confidence: 'medium', label: 'value in a licence column', scope: 'cell' },
  ],
  validate: validateLabelledId,
  context: { window: 40, raise: ['driver', 'state', 'dmv', 'issued', 'expires'], strong: ["driver's license", 'drivers license'], lower: ['software', 'product', 'key', 'seat'] },
  examples: {
    positive: [
      { text: "Driver's License: D1234-5678-9012", normalized: 'D123456789012', minConfidence: 'high' },
      { text: 'DL# S530-4412-9921', normalized: 'S53044129921', minConfidence: 'medium' },
      { text: 'W2210498', context: { columnHeader: 'License Number' }, normalized: 'W2210498', minConfidence: 'medium' },
    ],
    negative: [
      { text: 'License: MIT' },
      { text: 'licensed under Apache-2.0' },
      { text: 'Software license key 1234-ABCD', minConfidence: 'medium' },
      { text: 'Cholesterol, total  118  L  mg/dL  125-199' },
    ],
  },
};

const DEVICE_LABEL =
  '(?i:device[ ]?(?:id|serial|#|sn)|udi|implant[ ](?:serial|id|#|lot)|serial[ ]?(?:#|no\\.?|number)|s/n|sn|pacemaker[ ](?:serial|id)|pump[ ](?:serial|id)|imei|meid)';

function validateDevice(match: MatchInput): Validation | null {
  if (match.pattern.label === 'GS1 UDI') {
    const gtin = match.value.slice(4, 18);
    return gtinValid(gtin) ? { normalized: compactId(match.value) } : null;
  }
  return validateLabelledId(match);
}

export const deviceIdDetector: DetectorDefinition = {
  id: 'device-id',
  name: 'Device identifier or serial number',
  description: 'GS1 UDIs ((01) GTIN with its check digit) and device serial numbers in medical-device context',
  hipaa: 'device-identifiers',
  role: 'identifier',
  version: 1,
  keywords: ['udi', 'device', 'implant', 'serial', 's/n', 'pacemaker', 'pump', 'imei', 'meid'],
  columnHeaders: ['udi', 'device id', 'device serial', 'implant serial', 'serial number', 'imei'],
  patterns: [
    { re2: '\\((?:01)\\)[0-9]{14}(?:\\((?:10|11|17|21)\\)[A-Za-z0-9-]{1,20})*', confidence: 'medium', label: 'GS1 UDI' },
    {
      re2: `\\b${DEVICE_LABEL}${SEP}(?P<v>${ID_VALUE})\\b`,
      confidence: 'low',
      label: 'serial after a device label',
      gated: true,
    },
  ],
  validate: validateDevice,
  // A serial number is medical only beside a device a patient carries; the same label on a parts list is not.
  context: {
    window: 80,
    after: 40,
    // No two-step keyword: a 'UDI' two lines up must not outweigh 'printer' on the serial's own line.
    raise: ['implant', 'implanted', 'pacemaker', 'defibrillator', 'icd device', 'pump', 'cgm', 'monitor', 'hearing aid', 'stent', 'prosthesis', 'device', 'patient', 'udi'],
    lower: ['part', 'sku', 'inventory', 'warehouse', 'laptop', 'printer', 'router', 'asset tag'],
  },
  examples: {
    positive: [
      { text: 'UDI (01)00884521123451(17)270101(21)A1B2C3', normalized: '01008845211234511727010121A1B2C3', minConfidence: 'high' },
      { text: 'Pacemaker UDI (01)00884521123451(21)A1B2C3\nPrinter serial # CN12345678', normalized: '010088452112345121A1B2C3', minConfidence: 'high' },
      { text: 'Pacemaker serial # PJN123456 implanted 2021', normalized: 'PJN123456', minConfidence: 'medium' },
      { text: 'Insulin pump S/N: 77AB-10293', normalized: '77AB10293', minConfidence: 'medium' },
    ],
    negative: [
      { text: '(01)00884521123455(21)A1' },
      { text: 'Printer serial # CN12345678 in warehouse', minConfidence: 'medium' },
      { text: 'Implanted pacemaker, see UDI below.\nPrinter serial # CN12345678 in the front office', minConfidence: 'medium' },
      { text: 'Device: unknown' },
    ],
  },
};
