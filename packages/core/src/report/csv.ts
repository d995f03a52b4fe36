/**
 * RFC 4180 fields, safe to open in a spreadsheet. File names on a share are chosen by whoever owns it, and a
 * cell starting with `=`, `+`, `-`, `@` (or a tab / carriage return) is run as a formula by Excel and
 * LibreOffice: such a cell gets a leading apostrophe, the OWASP advice for CSV injection.
 */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly (string | number | boolean | undefined)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
