import type { DetectorDefinition } from '../detector.js';
import { addressDetector } from './address.js';
import { creditCardDetector } from './credit-card.js';
import { ageOver89Detector, dateDetector } from './dates.js';
import { deaDetector } from './dea.js';
import { dobDetector } from './dob.js';
import { icd10Detector } from './icd10.js';
import { icd9Detector } from './icd9.js';
import { itinDetector } from './itin.js';
import { accountNumberDetector, deviceIdDetector, healthPlanIdDetector, licenseNumberDetector } from './labelled-ids.js';
import { hicnDetector, mbiDetector } from './medicare.js';
import { mrnDetector } from './mrn.js';
import { nameDetector, relativeNameDetector } from './name.js';
import { emailDetector, ipDetector, urlDetector } from './network.js';
import { npiDetector } from './npi.js';
import { faxDetector, phoneDetector } from './phone.js';
import { ssnDetector } from './ssn.js';
import { vinDetector } from './vin.js';

export const BUILTIN_DETECTORS: readonly DetectorDefinition[] = [
  ssnDetector,
  mrnDetector,
  dobDetector,
  nameDetector,
  icd10Detector,
  icd9Detector,
  npiDetector,
  deaDetector,
  mbiDetector,
  hicnDetector,
  itinDetector,
  phoneDetector,
  faxDetector,
  emailDetector,
  urlDetector,
  ipDetector,
  addressDetector,
  healthPlanIdDetector,
  accountNumberDetector,
  licenseNumberDetector,
  vinDetector,
  deviceIdDetector,
  creditCardDetector,
  dateDetector,
  ageOver89Detector,
  relativeNameDetector,
];
