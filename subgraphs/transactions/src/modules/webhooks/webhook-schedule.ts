const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, '': 1 };

/** "10s,1m,5m,30m,2h" → milliseconds; null when any part is not a duration. */
export function parseSchedule(text: string): number[] | null {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const out: number[] = [];
  for (const part of parts) {
    const m = /^(\d+)(ms|s|m|h|)$/.exec(part);
    if (!m) return null;
    out.push(Number(m[1]) * UNITS[m[2]!]!);
  }
  return out.length > 0 && out.length <= 20 ? out : null;
}
