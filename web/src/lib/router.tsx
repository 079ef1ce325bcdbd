/**
 * A router of a few lines over the History API: the current path and query as state, `navigate`, and a `Link`
 * that is a real `<a href>` (open in a new tab, copy the address) but moves without reloading. After each move
 * the page title changes and focus goes to the page's heading, so screen readers announce the new page.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();

const read = (): Location => ({
  path: location.pathname.replace(/\/+$/, '') || '/',
  query: new URLSearchParams(location.search),
});

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === `${location.pathname}${location.search}`) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

/** Changes the query string of the current page without a new history entry. */
export function setQuery(params: Record<string, string | null>): void {
  const query = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === '') query.delete(k);
    else query.set(k, v);
  }
  const search = query.toString();
  navigate(`${location.pathname}${search ? `?${search}` : ''}`, { replace: true });
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const update = () => setLoc(read());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return loc;
}

type AnchorProps = JSX.HTMLAttributes<HTMLAnchorElement> & { href: string; children: ComponentChildren };

export function Link({ href, children, ...rest }: AnchorProps) {
  const onClick = (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

/** Sets the document title and moves focus to the main heading when the page (path) changes. */
export function usePageTitle(title: string, path: string): void {
  useEffect(() => {
    document.title = `${title} — Đánh giá, xếp loại hằng tháng`;
  }, [title]);
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
    // Only on a change of page, not on every render.
  }, [path]);
}
