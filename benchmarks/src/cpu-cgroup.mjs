// CPU time of a command and of everything it starts, from a cgroup of its own. GNU time counts only the
// children that were waited for: until the ninth round phi-scan's pdftotext shells ended on their closed pipe
// after phi-scan had exited, so the CPU of every pdftotext run went to whoever reaped them and the PDF rows'
// CPU column left out most of the work. A process stays in its cgroup when its parent dies, so the cgroup's
// counter has it all, whatever a command waits for.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where a cgroup of our own may be made, first that works, and how its CPU counter reads in seconds. */
const HIERARCHIES = [
  // cgroup v1's cpuacct controller: nanoseconds.
  { base: '/sys/fs/cgroup/cpuacct', usage: (dir) => Number(fs.readFileSync(path.join(dir, 'cpuacct.usage'), 'utf8')) / 1e9 },
  // cgroup v2, alone or beside v1: cpu.stat's usage_usec is there in every cgroup.
  { base: '/sys/fs/cgroup', usage: usageUsec, v2: true },
  { base: '/sys/fs/cgroup/unified', usage: usageUsec, v2: true },
];

function usageUsec(dir) {
  const line = fs.readFileSync(path.join(dir, 'cpu.stat'), 'utf8').split('\n').find((l) => l.startsWith('usage_usec '));
  return line ? Number(line.split(' ')[1]) / 1e6 : NaN;
}

let counter = 0;

function makeGroup() {
  for (const hierarchy of HIERARCHIES) {
    if (hierarchy.v2 && !fs.existsSync(path.join(hierarchy.base, 'cgroup.controllers'))) continue;
    const dir = path.join(hierarchy.base, `phi-bench-${process.pid}-${counter++}`);
    try {
      fs.mkdirSync(dir);
    } catch {
      continue;
    }
    if (Number.isFinite(readUsage(hierarchy, dir))) return { hierarchy, dir };
    removeGroup(dir);
  }
  return undefined;
}

function readUsage(hierarchy, dir) {
  try {
    return hierarchy.usage(dir);
  } catch {
    return NaN;
  }
}

function removeGroup(dir) {
  try {
    fs.rmdirSync(dir);
  } catch {
    // something is still in it: the cgroup stays, and is empty once that ends
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wraps `cmd args` so it joins a new cgroup before it starts (a shell writes its own pid, then execs the
 * command: nothing it starts escapes). `seconds()` is called once the command has exited: it waits (up to
 * `settleMs`) for what the command left running, reads the cgroup's CPU time and removes the cgroup. Returns
 * undefined where no cgroup can be made (not root, no writable hierarchy): GNU time is then all there is.
 */
export function accountedCommand(cmd, args, { settleMs = 5_000 } = {}) {
  if (!cgroupAccountingAvailable()) return undefined;
  const group = makeGroup();
  if (!group) return undefined;
  const procs = path.join(group.dir, 'cgroup.procs');
  return {
    cmd: '/bin/sh',
    // A shell that cannot join still runs the command; its cgroup then counts nothing, which reads as unknown.
    args: ['-c', 'echo $$ > "$0" 2>/dev/null; exec "$@"', procs, cmd, ...args],
    async seconds() {
      try {
        const until = Date.now() + settleMs;
        while (fs.readFileSync(procs, 'utf8').trim() !== '' && Date.now() < until) await sleep(10);
        const seconds = readUsage(group.hierarchy, group.dir);
        return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
      } catch {
        return null;
      } finally {
        removeGroup(group.dir);
      }
    },
  };
}

let available;

/**
 * Whether this machine lets the harness count CPU by cgroup: a cgroup can be made, a shell can join it, and
 * its counter then moves (a container may allow the first and refuse the second). Asked once.
 */
export function cgroupAccountingAvailable() {
  if (available !== undefined) return available;
  const group = makeGroup();
  available = false;
  if (!group) return available;
  try {
    const probe = spawnSync('/bin/sh', ['-c', 'echo $$ > "$0" || exit 1; i=0; while [ $i -lt 5000 ]; do i=$((i+1)); done', path.join(group.dir, 'cgroup.procs')]);
    available = probe.status === 0 && readUsage(group.hierarchy, group.dir) > 0;
  } finally {
    removeGroup(group.dir);
  }
  return available;
}
