/**
 * A small XLSX (Office Open XML spreadsheet) writer: sheets of titled tables with a bold, shaded, frozen header
 * row, column widths and number formats — what HR's exports need, and no more. The ZIP container comes from
 * fflate (8 KB, well kept); the SpreadsheetML parts are written here. exceljs did the same job at ~1 MB of
 * bundle and three times the cold start, which the exports function cannot afford within its 300 KB budget.
 * The tests open the files with exceljs, an independent reader.
 */
import { strToU8, zipSync } from 'fflate';

export type Cell = string | number | null;

export interface Column {
  header: string;
  /** Width in characters. */
  width: number;
  /** Number format of the column's data cells. */
  format?: Format;
}

/** Number formats: two decimals (points), a percentage, whole numbers with thousands separators (money). */
export type Format = 'decimal2' | 'percent1' | 'money';

export interface Sheet {
  name: string;
  /** Lines above the table; the first is the sheet's title (bold, larger). */
  title: string[];
  columns: Column[];
  rows: Cell[][];
  /** Per data cell overrides of the number format, e.g. one percentage in a column of counts. */
  formats?: { row: number; column: number; format: Format }[];
}

export interface Workbook {
  creator: string;
  /** ISO instant: the data's time, so the same data gives the same file. */
  createdAt: string;
  sheets: Sheet[];
}

// Cell styles (indexes into cellXfs below).
const STYLE = { plain: 0, title: 1, header: 2, decimal2: 3, percent1: 4, money: 5 } as const;

const STYLES_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="164" formatCode="0.00"/><numFmt numFmtId="165" formatCode="0.0%"/><numFmt numFmtId="166" formatCode="#,##0"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="13"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`;

function escapeXml(text: string): string {
  // Characters XML 1.0 cannot hold at all are dropped; the five special ones are escaped.
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the characters XML cannot hold is the point
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

/** A1-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function cellXml(ref: string, value: Cell, style: number): string {
  const s = style === STYLE.plain ? '' : ` s="${style}"`;
  if (value === null || value === '') return style === STYLE.plain ? '' : `<c r="${ref}"${s}/>`;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? `<c r="${ref}"${s}><v>${value}</v></c>` : `<c r="${ref}"${s}/>`;
  }
  return `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
}

function sheetXml(sheet: Sheet): string {
  const rows: string[] = [];
  let r = 0;
  const addRow = (cells: string[]) => {
    r++;
    rows.push(`<row r="${r}">${cells.join('')}</row>`);
  };
  for (const [i, line] of sheet.title.entries()) {
    addRow([cellXml(`A${r + 1}`, line, i === 0 ? STYLE.title : STYLE.plain)]);
  }
  addRow([]);
  addRow(sheet.columns.map((c, i) => cellXml(`${columnName(i)}${r + 1}`, c.header, STYLE.header)));
  const headerRow = r;
  sheet.rows.forEach((row, rowIndex) => {
    addRow(
      row.map((value, i) => {
        const override = sheet.formats?.find((f) => f.row === rowIndex && f.column === i)?.format;
        const format = override ?? sheet.columns[i]?.format;
        const style = typeof value === 'number' && format ? STYLE[format] : STYLE.plain;
        return cellXml(`${columnName(i)}${r + 1}`, value, style);
      }),
    );
  });
  const cols = sheet.columns.map(
    (c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>`,
  );
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheetViews><sheetView workbookViewId="0"><pane ySplit="${headerRow}" topLeftCell="A${headerRow + 1}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
<cols>${cols.join('')}</cols>
<sheetData>${rows.join('')}</sheetData>
</worksheet>`;
}

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel refuses them). */
const sheetName = (name: string) => name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

export function writeXlsx(book: Workbook): Uint8Array {
  const created = new Date(book.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const sheets = book.sheets.map((s, i) => ({
    ...s,
    name: sheetName(s.name),
    file: `sheet${i + 1}.xml`,
    id: i + 1,
  }));
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
${sheets.map((s) => `<Override PartName="/xl/worksheets/${s.file}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('\n')}
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`),
    '_rels/.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`),
    'docProps/core.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:creator>${escapeXml(book.creator)}</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified>
</cp:coreProperties>`),
    'xl/workbook.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets>${sheets.map((s) => `<sheet name="${escapeXml(s.name)}" sheetId="${s.id}" r:id="rId${s.id}"/>`).join('')}</sheets>
</workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
${sheets.map((s) => `<Relationship Id="rId${s.id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/${s.file}"/>`).join('\n')}
<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`),
    'xl/styles.xml': strToU8(STYLES_XML),
  };
  for (const s of sheets) files[`xl/worksheets/${s.file}`] = strToU8(sheetXml(s));
  // A fixed timestamp inside the ZIP: the same data always gives the same bytes.
  return zipSync(files, { level: 6, mtime: new Date(book.createdAt) });
}
