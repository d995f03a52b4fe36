// The harness counts a run's CPU by cgroup where it can, so work that outlives the command (phi-scan's
// pdftotext shells end after phi-scan exits) is still counted. It asserts what is counted, not how fast.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM scripts without type declarations
import { accountedCommand, cgroupAccountingAvailable } from '../src/cpu-cgroup.mjs';

const run = (cmd: string, args: string[]): Promise<number | null> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });

describe.skipIf(!cgroupAccountingAvailable())('CPU time by cgroup', () => {
  it('counts a child the command left running, which GNU time cannot see', async () => {
    // The command exits at once; the loop it started in the background goes on without it.
    const busy = 'i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done';
    const accounted = accountedCommand('/bin/sh', ['-c', `sh -c '${busy}' & exit 0`]);
    expect(accounted).toBeDefined();
    const started = Date.now();
    expect(await run(accounted.cmd, accounted.args)).toBe(0);
    const exitedAfter = Date.now() - started;
    const seconds = await accounted.seconds();
    // The loop takes a few tenths of a second of CPU; the command alone took a few milliseconds of wall.
    expect(exitedAfter).toBeLessThan(1000);
    expect(seconds).toBeGreaterThan(0.05);
  });

  it('reads as unknown, not zero, when nothing joined the cgroup', async () => {
    const accounted = accountedCommand('/bin/true', []);
    // Its own process never ran: only the cgroup was made.
    expect(await accounted.seconds()).toBeNull();
  });
});
