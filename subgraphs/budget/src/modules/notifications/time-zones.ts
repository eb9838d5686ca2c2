const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  return format;
}

/** The IANA zone's canonical name (e.g. "America/Sao_Paulo"), or null when Node does not know it. */
export function canonicalTimeZone(input: string): string | null {
  if (input.length === 0 || input.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: input }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The local date ("YYYY-MM-DD") and hour (0-23) of an instant in a time zone. */
export function localTime(now: Date, timeZone: string): { day: string; hour: number } {
  const parts = Object.fromEntries(formatOf(timeZone).formatToParts(now).map((p) => [p.type, p.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}
