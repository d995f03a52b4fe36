import { readFileSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { FileAccess } from '../types.js';

/**
 * Account names for uids and gids, from the scanning machine's /etc/passwd and /etc/group. On a mounted share
 * these are the names the scanning machine maps the ids to, which is what its users see too; an id it does not
 * know keeps only its number.
 */
export class AccountNames {
  readonly #users: Map<number, string>;
  readonly #groups: Map<number, string>;

  constructor(passwd = '', group = '') {
    this.#users = idNames(passwd);
    this.#groups = idNames(group);
  }

  static fromSystem(): AccountNames {
    return new AccountNames(readOrEmpty('/etc/passwd'), readOrEmpty('/etc/group'));
  }

  user(uid: number): string | undefined {
    return this.#users.get(uid);
  }

  group(gid: number): string | undefined {
    return this.#groups.get(gid);
  }
}

/** `name:x:id:…` lines; the id is the third field in both files. */
function idNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (!name || id === undefined || !/^\d+$/.test(id)) continue;
    if (!names.has(Number(id))) names.set(Number(id), name);
  }
  return names;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function describeAccess(stats: { uid: number; gid: number; mode: number }, names: AccountNames): FileAccess {
  const access: FileAccess = {
    uid: stats.uid,
    gid: stats.gid,
    mode: (stats.mode & 0o7777).toString(8).padStart(4, '0'),
    groupReadable: (stats.mode & 0o040) !== 0,
    worldReadable: (stats.mode & 0o004) !== 0,
    worldWritable: (stats.mode & 0o002) !== 0,
  };
  const user = names.user(stats.uid);
  const group = names.group(stats.gid);
  if (user !== undefined) access.user = user;
  if (group !== undefined) access.group = group;
  return access;
}

/**
 * Stats a reported file for its access. A file inside an archive or a mail (`outer.zip!inner.csv`) is as
 * readable as the file that holds it, so the outermost file is the one stat'ed. Undefined when the file is gone.
 */
export async function statAccess(reportedPath: string, names: AccountNames): Promise<FileAccess | undefined> {
  const outer = reportedPath.split('!', 1)[0]!;
  try {
    return describeAccess(await lstat(outer), names);
  } catch {
    return undefined;
  }
}

/** "world-readable", "group-readable" or "owner only": the words the reports use. */
export function accessWords(access: FileAccess | undefined): string {
  if (!access) return 'unknown';
  if (access.worldReadable) return access.worldWritable ? 'world-writable' : 'world-readable';
  return access.groupReadable ? 'group-readable' : 'owner only';
}

export function ownerText(access: FileAccess | undefined): string {
  if (!access) return '';
  return `${access.user ?? access.uid}:${access.group ?? access.gid}`;
}
