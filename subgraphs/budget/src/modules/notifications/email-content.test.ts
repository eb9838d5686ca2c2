import { describe, expect, it } from 'vitest';
import { alertEmail, digestEmail, escapeHtml } from './email-content.js';

const at = new Date('2026-05-14T10:00:00Z');

describe('alert emails', () => {
  it('escapes user text in the HTML part and keeps it as is in the text part', () => {
    const mail = alertEmail({ id: 'a', type: 'LARGE_TRANSACTION', message: 'Large transaction: 1500.00 BRL (<script>alert("x")</script> & co)', createdAt: at });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(mail.text).toContain('<script>alert("x")</script> & co');
    expect(mail.subject).toBe('Centavo: Large transaction: Large transaction: 1500.00 BRL (<script>alert("x")</script> & co)');
  });

  it('keeps control characters out of the subject', () => {
    const mail = alertEmail({ id: 'a', type: 'BILL_DUE', message: 'Bill due: X\r\nBcc: evil@example.com', createdAt: at });
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('lists every alert of a digest', () => {
    const mail = digestEmail('2026-05-14', [
      { id: 'a', type: 'BUDGET_WARNING', message: 'one <b>', createdAt: at },
      { id: 'b', type: 'BUDGET_EXCEEDED', message: 'two', createdAt: at },
    ]);
    expect(mail.subject).toBe('Centavo: your alerts digest for 2026-05-14 (2 alerts)');
    expect(mail.text).toContain('- Budget warning: one <b>\n- Budget exceeded: two');
    expect(mail.html).toContain('one &lt;b&gt;');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });
});
