/**
 * An official document (web/src/lib/official.ts) as an A4 PDF, made in the browser with pdf-lib. Loaded only when
 * someone asks for a PDF (a dynamic import): pdf-lib, fontkit and the fonts never weigh on the first render.
 *
 * Font: Tinos (metric-compatible with Times New Roman, the font of Vietnamese administrative documents; SIL Open
 * Font License, which allows embedding), from @fontsource/tinos. Fontsource ships it in subsets, so each text run
 * is drawn with the subset that has its glyphs (Latin, Vietnamese); the PDF embeds only the glyphs used.
 * Layout follows the usual administrative page: margins 20 mm top and bottom, 30 mm left, 15 mm right.
 */

import latinRegularUrl from '@fontsource/tinos/files/tinos-latin-400-normal.woff?url';
import latinBoldUrl from '@fontsource/tinos/files/tinos-latin-700-normal.woff?url';
import vietnameseRegularUrl from '@fontsource/tinos/files/tinos-vietnamese-400-normal.woff?url';
import vietnameseBoldUrl from '@fontsource/tinos/files/tinos-vietnamese-700-normal.woff?url';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import { type Align, MOTTO, NATION, type OfficialDocument } from '../lib/official.ts';

const MM = 72 / 25.4;
const PAGE = { width: 210 * MM, height: 297 * MM };
const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const BLACK = rgb(0, 0, 0);

interface Face {
  /** Subsets in the order they are tried; the first is the fallback. */
  fonts: { pdf: PDFFont; has: (codePoint: number) => boolean }[];
}

async function bytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Không tải được phông chữ (${response.status}).`);
  return new Uint8Array(await response.arrayBuffer());
}

async function face(doc: PDFDocument, urls: string[]): Promise<Face> {
  const files = await Promise.all(urls.map(bytes));
  const fonts = await Promise.all(
    files.map(async (file) => {
      const parsed = fontkit.create(file);
      const pdf = await doc.embedFont(file, { subset: true });
      return { pdf, has: (cp: number) => parsed.hasGlyphForCodePoint(cp) };
    }),
  );
  return { fonts };
}

type Run = { font: PDFFont; text: string };

/** Splits text into runs, each in the first subset that has its characters. */
function runs(f: Face, text: string): Run[] {
  const out: Run[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 32;
    const font = (f.fonts.find((x) => x.has(cp)) ?? f.fonts[0])?.pdf;
    if (!font) continue;
    const last = out.at(-1);
    if (last && last.font === font) last.text += ch;
    else out.push({ font, text: ch });
  }
  return out;
}

const width = (f: Face, text: string, size: number) =>
  runs(f, text).reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, size), 0);

/** Greedy word wrap to a width; a word longer than the line is cut. */
function wrap(f: Face, text: string, size: number, max: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (width(f, candidate, size) <= max) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      while (width(f, line, size) > max && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && width(f, line.slice(0, cut), size) > max) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line);
  }
  return lines;
}

class Writer {
  page: PDFPage;
  y: number;

  constructor(
    private readonly doc: PDFDocument,
    readonly regular: Face,
    readonly bold: Face,
  ) {
    this.page = doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN.top;
  }

  newPage() {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN.top;
  }

  /** Room for `height` more points on this page, else a new page. */
  ensure(height: number) {
    if (this.y - height < MARGIN.bottom) this.newPage();
  }

  text(text: string, x: number, y: number, size: number, f: Face) {
    let cursor = x;
    for (const r of runs(f, text)) {
      this.page.drawText(r.text, { x: cursor, y, size, font: r.font, color: BLACK });
      cursor += r.font.widthOfTextAtSize(r.text, size);
    }
  }

  /** A line of text aligned within [x, x + w]. */
  aligned(text: string, x: number, w: number, y: number, size: number, f: Face, align: Align) {
    const tw = width(f, text, size);
    const left = align === 'center' ? x + (w - tw) / 2 : align === 'right' ? x + w - tw : x;
    this.text(text, left, y, size, f);
    return { left, width: tw };
  }

  /** A wrapped block across the content width; moves down. */
  block(text: string, size: number, f: Face, align: Align = 'left', after = 4) {
    const lead = size * 1.3;
    for (const line of wrap(f, text, size, CONTENT_WIDTH)) {
      this.ensure(lead);
      this.y -= lead;
      this.aligned(line, MARGIN.left, CONTENT_WIDTH, this.y + size * 0.25, size, f, align);
    }
    this.y -= after;
  }

  line(x1: number, y1: number, x2: number, y2: number, thickness = 0.6) {
    this.page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness, color: BLACK });
  }
}

/** The two-column header: issuing unit on the left, the nation and its motto on the right, both underlined. */
function header(w: Writer, doc: OfficialDocument) {
  const colWidth = CONTENT_WIDTH * 0.46;
  const rightX = MARGIN.left + CONTENT_WIDTH - CONTENT_WIDTH * 0.54;
  const rightWidth = CONTENT_WIDTH * 0.54;
  const size = 12;
  const lead = size * 1.3;
  const top = w.y;
  let y = top;
  const left: { text: string; face: Face }[] = [];
  if (doc.issuer.parent) {
    for (const l of wrap(w.regular, doc.issuer.parent.toUpperCase(), size, colWidth)) {
      left.push({ text: l, face: w.regular });
    }
  }
  for (const l of wrap(w.bold, doc.issuer.unit.toUpperCase(), size, colWidth))
    left.push({ text: l, face: w.bold });
  let last = { left: 0, width: 0 };
  for (const l of left) {
    y -= lead;
    last = w.aligned(l.text, MARGIN.left, colWidth, y, size, l.face, 'center');
  }
  const rule = Math.min(last.width * 0.6, colWidth * 0.5);
  w.line(MARGIN.left + (colWidth - rule) / 2, y - 4, MARGIN.left + (colWidth + rule) / 2, y - 4);
  const leftBottom = y - 4;

  y = top - lead;
  w.aligned(NATION, rightX, rightWidth, y, size, w.bold, 'center');
  y -= lead;
  const motto = w.aligned(MOTTO, rightX, rightWidth, y, size + 1, w.bold, 'center');
  w.line(motto.left, y - 3, motto.left + motto.width, y - 3);
  w.y = Math.min(leftBottom, y - 3) - 18;
}

function table(w: Writer, t: OfficialDocument['table']) {
  const size = 11;
  const lead = size * 1.25;
  const pad = 3;
  const total = t.columns.reduce((s, c) => s + c.width, 0);
  const widths = t.columns.map((c) => (c.width / total) * CONTENT_WIDTH);
  const xs = widths.map((_, i) => MARGIN.left + widths.slice(0, i).reduce((s, v) => s + v, 0));

  const drawRow = (cells: string[], f: Face, group: boolean, headerRow: boolean) => {
    const wrapped = group
      ? [wrap(f, cells[0] ?? '', size, CONTENT_WIDTH - 2 * pad)]
      : cells.map((c, i) => wrap(f, c, size, (widths[i] ?? 0) - 2 * pad));
    const lines = Math.max(1, ...wrapped.map((l) => l.length));
    const height = lines * lead + 2 * pad;
    if (w.y - height < MARGIN.bottom) {
      w.newPage();
      if (!headerRow) drawHeader();
    }
    const top = w.y;
    const bottom = top - height;
    if (group) {
      wrapped[0]?.forEach((l, j) => {
        w.text(l, MARGIN.left + pad, top - pad - (j + 1) * lead + size * 0.25, size, w.bold);
      });
      w.line(MARGIN.left, top, MARGIN.left, bottom);
      w.line(MARGIN.left + CONTENT_WIDTH, top, MARGIN.left + CONTENT_WIDTH, bottom);
    } else {
      wrapped.forEach((cellLines, i) => {
        const col = t.columns[i];
        cellLines.forEach((l, j) => {
          w.aligned(
            l,
            (xs[i] ?? 0) + pad,
            (widths[i] ?? 0) - 2 * pad,
            top - pad - (j + 1) * lead + size * 0.25,
            size,
            f,
            headerRow ? 'center' : (col?.align ?? 'left'),
          );
        });
      });
      for (const x of [...xs, MARGIN.left + CONTENT_WIDTH]) w.line(x, top, x, bottom);
    }
    w.line(MARGIN.left, top, MARGIN.left + CONTENT_WIDTH, top);
    w.line(MARGIN.left, bottom, MARGIN.left + CONTENT_WIDTH, bottom);
    w.y = bottom;
  };
  const drawHeader = () =>
    drawRow(
      t.columns.map((c) => c.label),
      w.bold,
      false,
      true,
    );

  w.ensure(lead * 4);
  drawHeader();
  for (const row of t.rows) drawRow(row.cells, row.group ? w.bold : w.regular, row.group === true, false);
  if (t.footer) drawRow(t.footer, w.bold, false, false);
  w.y -= 10;
}

function signatures(w: Writer, doc: OfficialDocument) {
  const size = 12;
  const lead = size * 1.3;
  const n = doc.signatures.length;
  const colWidth = CONTENT_WIDTH / n;
  // The date line, signature titles, room to sign and the names stay together on one page.
  w.ensure(lead * 2 + lead * 3 + 70);
  w.y -= lead;
  const dateX = MARGIN.left + CONTENT_WIDTH - colWidth * Math.min(n, 2);
  w.aligned(doc.placeDate, dateX, colWidth * Math.min(n, 2), w.y, size, w.regular, 'center');
  w.y -= 6;
  const top = w.y;
  doc.signatures.forEach((s, i) => {
    const x = MARGIN.left + i * colWidth;
    let y = top;
    for (const l of wrap(w.bold, s.title, size, colWidth - 6)) {
      y -= lead;
      w.aligned(l, x, colWidth, y, size, w.bold, 'center');
    }
    y -= lead;
    w.aligned(s.note, x, colWidth, y, size - 1, w.regular, 'center');
    if (s.name) {
      y -= 70;
      for (const l of wrap(w.bold, s.name, size, colWidth - 6)) {
        w.aligned(l, x, colWidth, y, size, w.bold, 'center');
        y -= lead;
      }
    }
  });
}

/** The document as PDF bytes. */
export async function renderPdf(doc: OfficialDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  pdf.setTitle(`${doc.title} — ${doc.subtitle}`);
  pdf.setLanguage('vi-VN');
  pdf.setCreator('Đánh giá, xếp loại chất lượng hằng tháng');
  const [regular, bold] = await Promise.all([
    face(pdf, [latinRegularUrl, vietnameseRegularUrl]),
    face(pdf, [latinBoldUrl, vietnameseBoldUrl]),
  ]);
  const w = new Writer(pdf, regular, bold);
  header(w, doc);
  w.block(doc.title, 13, bold, 'center', 0);
  w.block(doc.subtitle, 13, regular, 'center', 12);
  for (const f of doc.fields) w.block(`${f.label}: ${f.value}`, 12, regular, 'left', 1);
  w.y -= 8;
  table(w, doc.table);
  for (const p of doc.paragraphs) {
    w.block(`${p.heading}:`, 12, bold, 'left', 0);
    w.block(p.text || '…………………………………………………………', 12, regular, 'left', 6);
  }
  signatures(w, doc);
  return pdf.save();
}
