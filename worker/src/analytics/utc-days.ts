// Analytics counts by UTC day, written YYYY-MM-DD (as SQLite's strftime('%Y-%m-%d') writes it).

export const DAY_MS = 86_400_000;

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let ms = dayStartMs(from); ms <= dayStartMs(to); ms += DAY_MS) days.push(dayOf(ms));
  return days;
}
