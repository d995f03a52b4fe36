/** ANSI styling that disappears entirely when colour is off, so callers never branch on it. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const COLORED: Style = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) };

const identity = (text: string) => text;
const PLAIN: Style = { bold: identity, dim: identity, red: identity, yellow: identity, green: identity };

export function createStyle(color: boolean): Style {
  return color ? COLORED : PLAIN;
}
