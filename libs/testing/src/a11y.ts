/**
 * Browser tests: the visible controls of a page that have no accessible name (no label, no
 * aria-label/labelledby, no title, no text). Takes anything that evaluates an expression in the
 * page (a Playwright Page).
 */

/** What unnamedControls needs of a page. */
export interface Evaluator {
  evaluate(expression: string): Promise<unknown>;
}

// A string, not a function: a test runner's transform would add helpers the page lacks.
const SCRIPT = `[...document.querySelectorAll('input, select, textarea, button, a[href], [role="button"]')]
  .filter((el) => el.offsetParent !== null || el.closest('dialog[open]') !== null)
  .filter((el) => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title')) return false;
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) return !el.labels || el.labels.length === 0;
    return (el.textContent || '').trim() === '' && el.querySelector('img[alt]:not([alt=""])') === null;
  })
  .map((el) => el.outerHTML.slice(0, 120))`;

/** The outer HTML (start) of every visible control without an accessible name. */
export async function unnamedControls(page: Evaluator): Promise<string[]> {
  return (await page.evaluate(SCRIPT)) as string[];
}
