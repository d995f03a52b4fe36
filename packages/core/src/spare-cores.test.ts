import { describe, expect, it } from 'vitest';
import { SpareCores } from './spare-cores.js';

describe('a scan’s spare cores', () => {
  it('lend only what no worker holds, and take back what is given', () => {
    const inUse = SpareCores.counter();
    const first = new SpareCores(inUse, 4);
    const second = new SpareCores(inUse, 4);
    first.hold();
    second.hold();
    expect(first.borrow(3)).toBe(2);
    expect(second.borrow(1)).toBe(0);
    first.free(2);
    expect(second.borrow(5)).toBe(2);
    second.free(2);
    first.free();
    second.free();
    expect(Atomics.load(inUse, 0)).toBe(0);
  });

  it('lend nothing at one thread', () => {
    const cores = new SpareCores(SpareCores.counter(), 1);
    cores.hold();
    expect(cores.borrow(1)).toBe(0);
  });
});
