import { renderRow, type RowCell } from './label-rows.js';

type SinkKind = 'row' | 'cell' | 'term' | 'definition' | 'label';

interface Sink {
  kind: SinkKind;
  parts: string[];
  header?: boolean;
}

interface Table {
  headers?: string[];
  row?: RowCell[];
  inHead: boolean;
}

function collapse(parts: readonly string[]): string {
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Puts an HTML page's labels next to their values as the page shows them: a table row becomes one line
 * ("Patient Name: George Miller", or "Name: … | DOB: …" under a header row), a <dt> joins its <dd>, and a
 * <label> joins the text or form value after it. Newlines inside what is joined are held back and written
 * after it, so the lines of the text still match the lines of the file from the next line on.
 */
export class HtmlLayout {
  private readonly sinks: Sink[] = [];
  private readonly tables: Table[] = [];
  /** Open joins that are not sinks: a <dt> waiting for its <dd>, a <label> waiting for its value. */
  private holds = 0;
  private held = 0;
  private pendingTerm: string | undefined;
  private labelWaiting = false;

  constructor(private readonly out: string[]) {}

  private get joining(): boolean {
    return this.sinks.length > 0 || this.holds > 0;
  }

  private write(s: string): void {
    const sink = this.sinks[this.sinks.length - 1];
    (sink ? sink.parts : this.out).push(s);
  }

  private flush(): void {
    if (this.joining || this.held === 0) return;
    this.out.push('\n'.repeat(this.held));
    this.held = 0;
  }

  private release(): void {
    this.holds--;
    this.flush();
  }

  /** Text of the page; `content` is false for separators the layout adds. */
  text(data: string, content = true): void {
    if (!this.joining) {
      this.out.push(data);
      return;
    }
    const n = countNewlines(data);
    this.held += n;
    this.write(n > 0 ? data.replace(/\s*\n\s*/g, ' ') : data);
    if (content && this.labelWaiting && data.trim()) {
      this.labelWaiting = false;
      this.release();
    }
  }

  newlines(n: number): void {
    if (n === 0) return;
    if (this.joining) {
      this.held += n;
      this.write(' ');
    } else {
      this.out.push('\n'.repeat(n));
    }
  }

  private table(): Table {
    let table = this.tables[this.tables.length - 1];
    if (!table) {
      table = { inHead: false };
      this.tables.push(table);
    }
    return table;
  }

  private popSink(kind: SinkKind): Sink | undefined {
    if (this.sinks[this.sinks.length - 1]?.kind !== kind) return undefined;
    return this.sinks.pop();
  }

  private finishRow(table: Table): void {
    if (!table.row) return;
    const stray = collapse(this.popSink('row')?.parts ?? []);
    const cells = table.row;
    table.row = undefined;
    if (!table.headers && cells.length > 0 && cells.every((c) => c.header)) table.headers = cells.map((c) => c.text);
    const line = [renderRow(cells, table.headers), stray].filter(Boolean).join(' ');
    this.text(` ${line} `, false);
    this.flush();
  }

  open(name: string): void {
    switch (name) {
      case 'table':
        this.tables.push({ inHead: false });
        break;
      case 'thead':
        this.table().inHead = true;
        break;
      case 'tr': {
        const table = this.table();
        this.finishRow(table);
        table.row = [];
        this.sinks.push({ kind: 'row', parts: [] });
        break;
      }
      case 'td':
      case 'th': {
        const table = this.tables[this.tables.length - 1];
        if (table?.row) this.sinks.push({ kind: 'cell', parts: [], header: name === 'th' || table.inHead });
        break;
      }
      case 'dt':
        this.sinks.push({ kind: 'term', parts: [] });
        break;
      case 'dd':
        this.sinks.push({ kind: 'definition', parts: [] });
        break;
      case 'label':
        this.sinks.push({ kind: 'label', parts: [] });
        break;
    }
  }

  close(name: string): void {
    switch (name) {
      case 'td':
      case 'th': {
        const cell = this.popSink('cell');
        const row = this.tables[this.tables.length - 1]?.row;
        if (cell && row) row.push({ text: collapse(cell.parts), header: cell.header ?? false });
        break;
      }
      case 'tr': {
        const table = this.tables[this.tables.length - 1];
        if (table) this.finishRow(table);
        break;
      }
      case 'thead': {
        const table = this.tables[this.tables.length - 1];
        if (table) table.inHead = false;
        break;
      }
      case 'table': {
        const table = this.tables.pop();
        if (table) this.finishRow(table);
        break;
      }
      case 'dt': {
        const term = this.popSink('term');
        if (!term) break;
        this.writePendingTerm();
        this.pendingTerm = collapse(term.parts);
        this.holds++;
        break;
      }
      case 'dd': {
        const definition = this.popSink('definition');
        if (!definition) break;
        const value = collapse(definition.parts);
        if (this.pendingTerm === undefined) {
          this.text(` ${value} `, false);
          break;
        }
        this.text(` ${renderRow([{ text: this.pendingTerm, header: true }, { text: value, header: false }])} `, false);
        this.pendingTerm = undefined;
        this.release();
        break;
      }
      case 'dl':
        this.writePendingTerm();
        break;
      case 'label': {
        const label = this.popSink('label');
        if (!label) break;
        const text = collapse(label.parts);
        if (!text) break;
        this.text(` ${text.replace(/\s*:\s*$/, '')}: `, false);
        if (!this.labelWaiting) {
          this.labelWaiting = true;
          this.holds++;
        }
        break;
      }
    }
  }

  private writePendingTerm(): void {
    if (this.pendingTerm === undefined) return;
    const term = this.pendingTerm;
    this.pendingTerm = undefined;
    this.text(` ${term} `, false);
    this.release();
  }

  /** Whatever is still joined at the end of the page is written out. */
  end(): void {
    while (this.sinks.length > 0) this.write(collapse(this.sinks.pop()!.parts));
    this.writePendingTerm();
    if (this.labelWaiting) {
      this.labelWaiting = false;
      this.holds--;
    }
    this.holds = 0;
    this.flush();
  }
}
