import type { AlertType } from '../../generated/prisma/client.js';

/** What an email says about one alert. */
export interface EmailAlert {
  id: string;
  type: AlertType;
  message: string;
  createdAt: Date;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const LABELS: Record<AlertType, string> = {
  BUDGET_WARNING: 'Budget warning',
  BUDGET_EXCEEDED: 'Budget exceeded',
  UNUSUAL_SPENDING: 'Unusual spending',
  LARGE_TRANSACTION: 'Large transaction',
  BILL_DUE: 'Bill due',
  RECURRING_AMOUNT_CHANGED: 'Recurring amount changed',
  WEBHOOK_DISABLED: 'Webhook endpoint disabled',
};

/** HTML-escapes text: alert messages carry user text (category names, descriptions). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One line for a header: no control characters (no header injection), at most 200 characters. */
function headerText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

const FOOTER = 'You get this email because of your Centavo notification settings (updateNotificationSettings).';

const page = (body: string) =>
  `<!doctype html><html><body style="font-family:sans-serif">${body}<p style="color:#666;font-size:12px">${escapeHtml(FOOTER)}</p></body></html>`;

/** The email of one IMMEDIATE alert: a text part and an HTML part with the message escaped. */
export function alertEmail(alert: EmailAlert): EmailContent {
  const label = LABELS[alert.type];
  return {
    subject: headerText(`Centavo: ${label}: ${alert.message}`),
    text: `${label}\n\n${alert.message}\n\nRaised at ${alert.createdAt.toISOString()}.\n\n${FOOTER}\n`,
    html: page(`<h2>${escapeHtml(label)}</h2><p>${escapeHtml(alert.message)}</p><p>Raised at ${escapeHtml(alert.createdAt.toISOString())}.</p>`),
  };
}

/** The daily digest of a user's DIGEST alerts of one local day, oldest first. */
export function digestEmail(day: string, alerts: readonly EmailAlert[]): EmailContent {
  const count = `${alerts.length} alert${alerts.length === 1 ? '' : 's'}`;
  const lines = alerts.map((a) => `- ${LABELS[a.type]}: ${a.message}`);
  const items = alerts.map((a) => `<li><strong>${escapeHtml(LABELS[a.type])}</strong>: ${escapeHtml(a.message)}</li>`);
  return {
    subject: `Centavo: your alerts digest for ${day} (${count})`,
    text: `Your Centavo alerts digest for ${day}: ${count}.\n\n${lines.join('\n')}\n\n${FOOTER}\n`,
    html: page(`<h2>Your alerts digest for ${escapeHtml(day)}</h2><p>${count}</p><ul>${items.join('')}</ul>`),
  };
}
