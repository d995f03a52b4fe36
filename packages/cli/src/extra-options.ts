/** Scan options that shape what is reported rather than what is scanned: config, baseline, ignore file, CSV layout. */
export interface ReportingOptions {
  /** `--config FILE`; otherwise .phi-scan.yml / .yaml / .json in the working directory. */
  config?: string;
  csvPer?: 'finding' | 'file';
  baseline?: string;
  ignoreFile?: string;
  /** From the config file only: handed to the detection engine (issue 3's custom detectors, allow and deny lists). */
  customDetectors?: unknown[];
  allow?: unknown[];
  deny?: unknown[];
}
