/**
 * A code list stored as `CAT:suffix,suffix;CAT:…` (see scripts/build-icd-tables.mjs): parsing only splits
 * the categories, so loading costs little and a lookup is one Map get and one substring search.
 */
export class CodeTable {
  readonly #suffixesByCategory: ReadonlyMap<string, string>;

  constructor(encoded: string) {
    const map = new Map<string, string>();
    for (const group of encoded.split(';')) {
      const colon = group.indexOf(':');
      map.set(group.slice(0, colon), `,${group.slice(colon + 1)},`);
    }
    this.#suffixesByCategory = map;
  }

  get categories(): Iterable<string> {
    return this.#suffixesByCategory.keys();
  }

  /** `code` undotted and upper case. */
  has(code: string): boolean {
    const suffixes = this.#suffixesByCategory.get(code.slice(0, 3));
    return suffixes !== undefined && suffixes.includes(`,${code.slice(3)},`);
  }
}
