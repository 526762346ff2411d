/**
 * Shows a problem in the error line of its form and ties it to the field it names (`aria-describedby`,
 * `aria-invalid`), so a screen reader reads it with that field; an empty message clears the line and the ties.
 */
export function showFieldError(line: HTMLElement, field: HTMLElement | null, message: string): void {
  for (const described of document.querySelectorAll(`[aria-describedby="${line.id}"]`)) {
    described.removeAttribute('aria-describedby');
    described.removeAttribute('aria-invalid');
  }
  line.textContent = message;
  if (message === '' || field === null) return;
  field.setAttribute('aria-describedby', line.id);
  field.setAttribute('aria-invalid', 'true');
}
