/**
 * An official document on screen and on paper: the national motto header, the issuing unit, the title, the
 * table, the comments, the place-and-date line and the signature blocks (print CSS lays it out on A4), with
 * buttons to print it and to download it as a PDF. The PDF code (pdf-lib, fontkit, fonts) is loaded only when
 * the button is pressed.
 */
import { useRef } from 'preact/hooks';
import { saveBlob } from '../lib/download.ts';
import { useAction } from '../lib/hooks.ts';
import { MOTTO, NATION, type OfficialDocument } from '../lib/official.ts';
import { Link } from '../lib/router.tsx';
import { ErrorNotice, SuccessNotice } from './ui.tsx';

export function OfficialToolbar({
  doc,
  back,
}: {
  doc: OfficialDocument;
  back: { href: string; label: string };
}) {
  const pdf = useAction();
  const messageRef = useRef<HTMLDivElement>(null);
  const download = async () => {
    const done = await pdf.run(async () => {
      const { renderPdf } = await import('../print/pdf.ts');
      const bytes = await renderPdf(doc);
      saveBlob(new Blob([bytes as BlobPart], { type: 'application/pdf' }), `${doc.fileName}.pdf`);
      return true;
    }, `Đã tạo tệp ${doc.fileName}.pdf.`);
    if (done) messageRef.current?.focus();
  };
  return (
    <div class="no-print">
      <div class="actions">
        <Link href={back.href} class="button-link">
          ← {back.label}
        </Link>
        <button type="button" onClick={() => print()}>
          In
        </button>
        <button type="button" class="primary" disabled={pdf.busy} onClick={() => void download()}>
          {pdf.busy ? 'Đang tạo PDF…' : 'Tải PDF'}
        </button>
      </div>
      <ErrorNotice error={pdf.error} />
      <SuccessNotice message={pdf.success} focusRef={messageRef} />
    </div>
  );
}

export function OfficialView({ doc }: { doc: OfficialDocument }) {
  const t = doc.table;
  return (
    <article class="official" aria-label={`${doc.title} — ${doc.subtitle}`} data-testid="official">
      <div class="official-head">
        <div class="official-issuer">
          {doc.issuer.parent && <p>{doc.issuer.parent.toUpperCase()}</p>}
          <p class="official-unit">{doc.issuer.unit.toUpperCase()}</p>
        </div>
        <div class="official-nation">
          <p class="official-unit">{NATION}</p>
          <p class="official-motto">{MOTTO}</p>
        </div>
      </div>
      <h2 class="official-title">
        {doc.title}
        <span class="official-subtitle">{doc.subtitle}</span>
      </h2>
      <dl class="official-fields">
        {doc.fields.map((f) => (
          <div key={f.label}>
            <dt>{f.label}:</dt> <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
      <table class="official-table stack-table">
        <caption class="sr-only">{t.caption}</caption>
        <thead>
          <tr>
            {t.columns.map((c) => (
              <th key={c.label} scope="col" class={`align-${c.align}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {t.rows.map((r, i) =>
            r.group ? (
              <tr key={`g-${r.cells[0]}`} class="group-row">
                <th scope="colgroup" colSpan={t.columns.length}>
                  {r.cells[0]}
                </th>
              </tr>
            ) : (
              <tr key={`${i}-${r.cells[1] ?? ''}`}>
                {r.cells.map((cell, j) =>
                  j === 1 ? (
                    <th key={t.columns[j]?.label} scope="row" class="align-left">
                      {cell}
                    </th>
                  ) : (
                    <td
                      key={t.columns[j]?.label}
                      class={`align-${t.columns[j]?.align ?? 'left'}`}
                      data-label={t.columns[j]?.label}
                    >
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ),
          )}
        </tbody>
        {t.footer && (
          <tfoot>
            <tr>
              {t.footer.map((cell, j) =>
                j === 1 ? (
                  <th key={t.columns[j]?.label} scope="row" class="align-left">
                    {cell}
                  </th>
                ) : (
                  <td
                    key={t.columns[j]?.label}
                    class={`align-${t.columns[j]?.align ?? 'left'}`}
                    data-label={t.columns[j]?.label}
                  >
                    {cell}
                  </td>
                ),
              )}
            </tr>
          </tfoot>
        )}
      </table>
      {doc.paragraphs.map((p) => (
        <div key={p.heading} class="official-paragraph">
          <p class="official-paragraph-head">{p.heading}:</p>
          <p>{p.text || '…………………………………………………………'}</p>
        </div>
      ))}
      <p class="official-date">{doc.placeDate}</p>
      <div
        class="official-signatures"
        style={{ gridTemplateColumns: `repeat(${doc.signatures.length}, 1fr)` }}
      >
        {doc.signatures.map((s) => (
          <div key={s.title} class="official-signature">
            <p class="official-unit">{s.title}</p>
            <p class="official-note">{s.note}</p>
            <p class="official-signer">{s.name ?? '\u00a0'}</p>
          </div>
        ))}
      </div>
    </article>
  );
}
