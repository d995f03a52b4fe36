/**
 * What the sniff, the extractor dispatch and the analyzer need to know of archives, apart from archive.ts:
 * that module brings the zip and gzip readers (fflate), which a worker then loads only for a scan that meets
 * an archive.
 */

export type ArchiveKind = 'zip' | 'tar' | 'gzip';

export const DEFAULT_ARCHIVE_DEPTH = 5;

/** Inflated bytes shared by every archive inside one scanned file, so nesting cannot multiply the limit. */
export interface ArchiveBudget {
  inflatedBytes: number;
}

export function newArchiveBudget(): ArchiveBudget {
  return { inflatedBytes: 0 };
}

/** A tar header block: the checksum covers the block with its own field read as spaces (old tars lack 'ustar'). */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < 512 || !mayBeChecksumField(bytes)) return false;
  const field = Buffer.from(bytes.subarray(148, 156)).toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : bytes[i]!;
  return sum === parseInt(field, 8) && bytes[0] !== 0;
}

/**
 * Every text file is asked whether it is a tar: a byte of the checksum field that is not an octal digit, NUL or
 * whitespace survives the trimming below and fails its pattern, so such a file is turned away here, without
 * the copy, the string and the regex (~2.5 µs a file).
 */
function mayBeChecksumField(bytes: Uint8Array): boolean {
  for (let i = 148; i < 156; i++) {
    const b = bytes[i]!;
    if (!((b >= 0x30 && b <= 0x37) || b === 0 || b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0xa0)) return false;
  }
  return true;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}
