/**
 * Distinct patients across a whole scan, from the keyed fingerprints of the records' link keys.
 *
 * A union-find over link keys: every record unions its keys, so two records sharing any key (the same SSN in a
 * roster and an HL7 feed, the same MRN in a log) end up in one component, and each component is one patient.
 * Millions of records must not cost gigabytes, so nothing here is a JS object per key: a key is the first
 * 64 bits of its 128-bit HMAC (a collision among 10^8 keys has odds of about 3·10^-4), kept in typed arrays
 * beside its parent and flags, found through an open-addressing table of node numbers: 13 bytes a node and 4 a
 * slot at a load of at most one half, so 21–34 bytes per distinct key as the tables double. Measured by
 * benchmarks/exposure/patient-index.mjs.
 */
export class PatientIndex {
  #keyHigh = new Uint32Array(1024);
  #keyLow = new Uint32Array(1024);
  #parent = new Int32Array(1024);
  /** Bit 0: some record of the component carries health information. */
  #flags = new Uint8Array(1024);
  /** Node number + 1 per slot; 0 is an empty slot. */
  #slots = new Int32Array(2048);
  #nodes = 0;
  #components = 0;
  #unlinked = 0;
  #unlinkedPhi = 0;

  /**
   * Adds one patient record and returns a node that stands for its patient (for per-folder counts), or -1 for a
   * record that cannot be linked (no key, or only weak keys): such a record is a patient of its own.
   */
  addRecord(keys: readonly string[], phi: boolean): number {
    if (keys.length === 0) {
      this.#unlinked += 1;
      if (phi) this.#unlinkedPhi += 1;
      return -1;
    }
    const first = this.#nodeOf(keys[0]!);
    for (let i = 1; i < keys.length; i++) this.#union(first, this.#nodeOf(keys[i]!));
    if (phi) this.#flags[this.find(first)]! |= 1;
    return first;
  }

  /** The root of a node's component; path halving keeps later look-ups short. */
  find(node: number): number {
    const parent = this.#parent;
    let current = node;
    while (parent[current] !== current) {
      const grandparent = parent[parent[current]!]!;
      parent[current] = grandparent;
      current = grandparent;
    }
    return current;
  }

  get distinctPatients(): number {
    return this.#components + this.#unlinked;
  }

  /** Patients any of whose records pairs an identifier with health information. One pass over the nodes. */
  distinctPhiPatients(): number {
    let count = this.#unlinkedPhi;
    for (let node = 0; node < this.#nodes; node++) if (this.#parent[node] === node && (this.#flags[node]! & 1) !== 0) count += 1;
    return count;
  }

  /** Bytes held by the typed arrays: what the index costs, for the benchmark and for a report's footnote. */
  get byteLength(): number {
    return this.#keyHigh.byteLength + this.#keyLow.byteLength + this.#parent.byteLength + this.#flags.byteLength + this.#slots.byteLength;
  }

  get keyCount(): number {
    return this.#nodes;
  }

  #union(a: number, b: number): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA === rootB) return;
    // The older node stays the root: components then grow around their first key, which keeps trees shallow
    // for the common case of one new record joining an existing patient.
    const [root, child] = rootA < rootB ? [rootA, rootB] : [rootB, rootA];
    this.#parent[child] = root;
    this.#flags[root]! |= this.#flags[child]!;
    this.#components -= 1;
  }

  #nodeOf(key: string): number {
    const [high, low] = keyBits(key);
    let mask = this.#slots.length - 1;
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    for (;;) {
      const occupant = this.#slots[slot]!;
      if (occupant === 0) break;
      const node = occupant - 1;
      if (this.#keyHigh[node] === high && this.#keyLow[node] === low) return node;
      slot = (slot + 1) & mask;
    }
    const node = this.#nodes;
    if (node === this.#parent.length) this.#growNodes();
    this.#keyHigh[node] = high;
    this.#keyLow[node] = low;
    this.#parent[node] = node;
    this.#nodes += 1;
    this.#components += 1;
    if (this.#nodes * 2 > this.#slots.length) {
      this.#growSlots();
      mask = this.#slots.length - 1;
      slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
    }
    this.#slots[slot] = node + 1;
    return node;
  }

  #growNodes(): void {
    const size = this.#parent.length * 2;
    this.#keyHigh = grown(this.#keyHigh, new Uint32Array(size));
    this.#keyLow = grown(this.#keyLow, new Uint32Array(size));
    this.#parent = grown(this.#parent, new Int32Array(size));
    this.#flags = grown(this.#flags, new Uint8Array(size));
  }

  /** Re-inserts every node except the one being added (its slot is found by the caller). */
  #growSlots(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let node = 0; node < this.#nodes - 1; node++) {
      let slot = (this.#keyLow[node]! ^ Math.imul(this.#keyHigh[node]!, 0x9e3779b1)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = node + 1;
    }
    this.#slots = slots;
  }
}

function grown<T extends Uint32Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * The fingerprints are hex HMACs, so their first 64 bits are already uniform. Anything else (a key from an
 * older report, a test) is folded with FNV-1a into the same 64 bits. Parsed by hand: this runs for every key
 * of every record on the main thread, and a regex plus slices cost several times more.
 */
export function keyBits(key: string): [number, number] {
  const high = hexWord(key, 0);
  const low = hexWord(key, 8);
  if (high >= 0 && low >= 0) return [high, low];
  let h = 0x811c9dc5;
  let l = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    h = Math.imul(h ^ code, 0x01000193) >>> 0;
    l = Math.imul(l ^ code ^ (h >>> 7), 0x01000193) >>> 0;
  }
  return [h, l];
}

/** Eight hex digits from `offset` as an unsigned 32-bit number, or -1 if they are not all hex digits. */
function hexWord(key: string, offset: number): number {
  if (key.length < offset + 8) return -1;
  let value = 0;
  for (let i = offset; i < offset + 8; i++) {
    const code = key.charCodeAt(i);
    const digit = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : code >= 65 && code <= 70 ? code - 55 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}
