/** "YYYY-MM" of a date, in the user's calendar. */
export function monthOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

function iso(date: Date): string {
  return `${monthOf(date)}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The dashboard's periods: this month so far, and the last six months for cash flow. */
export function dashboardPeriods(today: Date): { month: string; from: string; to: string; cashFrom: string } {
  const first = new Date(today.getFullYear(), today.getMonth(), 1);
  const sixMonthsAgo = new Date(today.getFullYear(), today.getMonth() - 5, 1);
  const last = new Date(today.getFullYear(), today.getMonth() + 1, 0);
  return { month: monthOf(today), from: iso(first), to: iso(last), cashFrom: iso(sixMonthsAgo) };
}

/** The Dashboard query's variables for today; main.tsx starts the query before the page's code loads. */
export function dashboardVariables(today: Date, currency = 'BRL') {
  return { ...dashboardPeriods(today), currency };
}
