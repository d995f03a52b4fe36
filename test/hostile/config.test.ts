import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHI_LINE, PLANTED } from './cases.js';
import { removeTree, runCli, tempDir } from './run-cli.js';

/**
 * A config file is data: YAML or JSON read by a parser that cannot call code, checked key by key. Each case
 * would write MARK if anything in it ran; none may, and each bad file is one clear line and exit 2.
 */
let dir: string;
let share: string;
let mark: string;

beforeAll(() => {
  dir = tempDir('config');
  share = path.join(dir, 'share');
  fs.mkdirSync(share);
  fs.writeFileSync(path.join(share, 'note.txt'), `${PHI_LINE}\n`);
  mark = path.join(dir, 'MARK');
});

afterAll(() => removeTree(dir));

const writeMark = (mark: string) => `require('node:fs').writeFileSync(${JSON.stringify(mark)}, 'ran')`;

function inFolder(files: Record<string, string>) {
  const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(cwd, name), text);
  return cwd;
}

describe('a config file cannot run code', () => {
  it('JavaScript config files next to the operator are never loaded', () => {
    const code = writeMark(mark);
    const cwd = inFolder({ '.phi-scan.js': code, '.phi-scan.cjs': code, '.phi-scan.mjs': `import fs from 'node:fs'; fs.writeFileSync(${JSON.stringify(mark)}, 'ran');`, 'phi-scan.config.js': code });
    const run = runCli(['scan', share, '--format', 'jsonl'], { cwd });
    expect(run.code).toBe(1);
    expect(fs.existsSync(mark)).toBe(false);
  });

  it('--config naming a .js file reads it as data, and refuses it', () => {
    const cwd = inFolder({ 'evil.js': `module.exports = (() => { ${writeMark(mark)}; return { format: 'jsonl' }; })();` });
    const run = runCli(['scan', share, '--config', 'evil.js'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^phi-scan: error: .*evil\.js/);
    expect(fs.existsSync(mark)).toBe(false);
  });

  it('a YAML tag asking for a function is an error, not a call', () => {
    const cwd = inFolder({ '.phi-scan.yml': `format: jsonl\nmrnPattern: !!js/function "function () { ${writeMark(mark).replace(/"/g, '\\"')} }"\n` });
    const run = runCli(['scan', share], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/phi-scan: error: config .*\.phi-scan\.yml: not valid YAML/);
    expect(fs.existsSync(mark)).toBe(false);
  });

  it('a YAML alias bomb (billion laughs) is refused at once', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (const [i, name] of [...'bcdefghi'].entries()) levels.push(`${name}: &${name} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`);
    const cwd = inFolder({ '.phi-scan.yml': `${levels.join('\n')}\nexclude: *i\n` });
    const started = Date.now();
    const run = runCli(['scan', share], { cwd, timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('__proto__ and constructor keys cannot switch reveal on', () => {
    const cwd = inFolder({ '.phi-scan.json': JSON.stringify({ format: 'jsonl' }).replace('{', '{"__proto__": {"reveal": true}, "constructor": {"prototype": {"reveal": true}}, ') });
    const run = runCli(['scan', share], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain(PLANTED.ssn);
    expect(run.stderr).toMatch(/unknown option '__proto__'/);
  });

  it('a pattern from a config file is compiled by RE2 like one from the command line', () => {
    const cwd = inFolder({ '.phi-scan.yml': 'mrnPattern:\n  - "(a)\\\\1"\n' });
    const run = runCli(['scan', share], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/phi-scan: error: --mrn-pattern: Invalid MRN pattern #1/);
  });
});
