import type { ReportedFinding } from '../types.js';

type FindingLocation = ReportedFinding['location'];

/** A finding's place in its file as a person would say it: `page 3`, `Sheet1!B12`, `row 12, column SSN`. */
export function describeLocation(location: FindingLocation): string {
  const parts: string[] = [];
  if ('sheet' in location) parts.push(`${location.sheet}!${location.cell}`, `column ${location.column}`);
  else if ('page' in location) parts.push(`page ${location.page}`);
  else if ('part' in location) parts.push(`${location.part} paragraph ${location.paragraph}`);
  else if ('message' in location) parts.push(`message ${location.message}`, location.field, `line ${location.line}`);
  else if ('path' in location) parts.push(location.path);
  else if ('transaction' in location) parts.push(`transaction ${location.transaction}`, `segment ${location.segment}`, location.element);
  else if ('tag' in location) parts.push(`${location.tag} ${location.keyword}`);
  else if ('email' in location) parts.push(`email ${location.email}`, location.section);
  else if ('row' in location) parts.push(`row ${location.row}`, `column ${location.column}`);
  if ('line' in location && location.line !== undefined && !('message' in location)) parts.push(`line ${location.line}`);
  return parts.join(', ');
}

/**
 * File names on a share are chosen by whoever owns it: escape control characters so a name cannot move the
 * cursor, recolour or rewrite the terminal of the person reading the report.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
