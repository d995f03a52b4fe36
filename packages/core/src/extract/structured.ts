/**
 * What JSON and XML extraction share: turning field names into the words a column header would hold, and
 * deciding when a value is free text rather than a field value.
 */

/**
 * Field names whose meaning comes from what holds them: `{"patient": {"id": …}}` is a patient ID, and
 * `{"provider": {"name": …}}` must read as a provider's name, not a patient's.
 */
const GENERIC_FIELDS = new Set([
  'id', 'value', 'code', 'text', 'display', 'number', 'num', 'no', 'nbr', 'first', 'last', 'middle', 'given',
  'family', 'full', 'date', 'extension', 'root', 'name',
]);

/** A value this long, or on several lines, is prose: a field name as context would mislead the detectors. */
const FIELD_VALUE_MAX_CHARS = 200;

/**
 * A field name as words: 'patientName' → 'patient Name', 'PatientDOB' → 'Patient DOB', 'date_of_birth' →
 * 'date of birth', 'hl7:PatientID' → 'Patient ID' (a namespace prefix says nothing about the value).
 */
export function fieldWords(name: string): string {
  const local = name.slice(name.lastIndexOf(':') + 1);
  return local
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-.\s]+/g, ' ')
    .trim();
}

/**
 * The column header a value gets: its own field's words, prefixed by its holder's where the field name alone
 * is generic ('patient' + 'id'). Undefined when there is no name to give.
 */
export function fieldHeader(field: string | undefined, holder: string | undefined): string | undefined {
  if (!field) return holder || undefined;
  if (holder && GENERIC_FIELDS.has(field.toLowerCase())) return `${holder} ${field}`;
  return field;
}

/** Whether a value reads as prose (a note, a narrative) rather than one field's value. */
export function isFreeText(text: string): boolean {
  return text.length > FIELD_VALUE_MAX_CHARS || text.includes('\n');
}

/** Cheap line numbers for increasing offsets into one text: counts newlines once, from the last offset asked. */
export class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  lineAt(index: number): number {
    if (index < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    const end = Math.min(index, this.text.length);
    for (let i = this.text.indexOf('\n', this.offset); i >= 0 && i < end; i = this.text.indexOf('\n', i + 1)) this.line++;
    this.offset = end;
    return this.line;
  }
}
