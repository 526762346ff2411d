/** `base` with `params` appended to whatever query it already has; undefined values are left out. */
export function redirectWith(base: string, params: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}
