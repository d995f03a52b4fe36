export { PatientIndex } from './patient-index.js';
export { linksAcrossFiles, identifierSet } from './link.js';
export { AccountNames, describeAccess, statAccess, accessWords, ownerText } from './access.js';
export { assessRisk } from './risk.js';
export { ExposureAssessor } from './assess.js';
export { ExposureTally, type ExposureFigures, type FolderExposure } from './tally.js';
