import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';

export function Button({ variant = 'primary', size, className, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger'; size?: 'small' }) {
  const classes = ['btn', variant === 'primary' ? '' : variant, size ?? '', className ?? ''].filter(Boolean).join(' ');
  return <button type="button" className={classes} {...props} />;
}

interface FieldProps {
  label: string;
  /** The API's message for this field (extensions.field), shown under it and announced. */
  error?: string | undefined;
  hint?: string;
}

export function TextField({ label, error, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...input} />
      {hint && !error && <span className="muted">{hint}</span>}
      {error && (
        <span className="error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function SelectField({ label, error, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...select}>
        {children}
      </select>
      {error && (
        <span className="error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** Problems that belong to no field (rate limits, conflicts, the network). */
export function FormErrors({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="alert-box" role="alert">
      {messages.map((m) => (
        <div key={m}>{m}</div>
      ))}
    </div>
  );
}

export function Card({ title, children, actions }: { title?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card stack" aria-label={title}>
      {(title || actions) && (
        <div className="row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
          {title && <h2>{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

export function ProgressBar({ value, label, tone }: { value: number; label: string; tone?: string }) {
  const percent = Math.max(0, Math.min(100, Math.round(value * 100)));
  return (
    <div className={`progress ${tone ?? ''}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <span style={{ width: `${percent}%` }} />
    </div>
  );
}

export function Amount({ amount, currency }: { amount: string; currency: string }) {
  const tone = amount.startsWith('-') ? 'neg' : amount === '0' || /^0(\.0+)?$/.test(amount) ? '' : 'pos';
  return <span className={`amount ${tone}`}>{formatMoney(amount, currency)}</span>;
}

/** Formats an exact decimal string without going through a float: "-1234.5" → "-1,234.50 BRL". */
export function formatMoney(amount: string, currency: string): string {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace(/^[-+]/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const digits = currency === 'JPY' ? 0 : Math.max(2, fraction.length);
  const cents = digits > 0 ? `.${fraction.padEnd(digits, '0')}` : '';
  return `${negative ? '-' : ''}${grouped}${cents} ${currency}`;
}
