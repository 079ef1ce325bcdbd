/** Searching Vietnamese names as people type them: without diacritics ("ngoc" finds "Ngọc", "duc" finds "Đức"). */

/** Lower case, no diacritics, đ → d: the form both sides of a search are compared in. */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** Does any of the texts contain what was typed, ignoring case and diacritics? An empty search matches. */
export function matchesSearch(typed: string, ...texts: readonly string[]): boolean {
  const needle = foldVietnamese(typed.trim());
  return needle === '' || texts.some((t) => foldVietnamese(t).includes(needle));
}
