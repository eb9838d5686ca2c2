import { lazy, Suspense } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { useSession, useSocketState } from './api/context';
import { LiveAlerts } from './features/alerts/live-alerts';
import { SignInPage, SignUpPage, SignOutButton } from './features/auth/auth-pages';
import { ToastProvider } from './ui/toasts';

// Each page is its own chunk: the first load carries the shell and the page asked for only.
const DashboardPage = lazy(() => import('./features/dashboard/dashboard-page'));
const TransactionsPage = lazy(() => import('./features/transactions/transactions-page'));
const BudgetsPage = lazy(() => import('./features/budgets/budgets-page'));
const RulesPage = lazy(() => import('./features/rules/rules-page'));
const ImportsPage = lazy(() => import('./features/imports/imports-page'));
const AlertsPage = lazy(() => import('./features/alerts/alerts-page'));
const SettingsPage = lazy(() => import('./features/settings/settings-page'));

const NAV = [
  ['/', 'Dashboard'],
  ['/transactions', 'Transactions'],
  ['/budgets', 'Budgets'],
  ['/imports', 'Imports'],
  ['/rules', 'Rules'],
  ['/alerts', 'Alerts'],
  ['/settings', 'Settings'],
] as const;

export function App() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    return (
      <Routes>
        <Route path="/sign-up" element={<SignUpPage />} />
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="*" element={<Navigate to="/sign-in" replace state={{ from: location.pathname }} />} />
      </Routes>
    );
  }
  return (
    <ToastProvider>
      <LiveAlerts />
      <a className="skip" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <nav className="nav" aria-label="Main">
          <span className="brand">Centavo</span>
          {NAV.map(([to, label]) => (
            <NavLink key={to} to={to} end={to === '/'}>
              {label}
            </NavLink>
          ))}
          <span className="muted" style={{ color: '#cfd6e2', marginTop: 'auto' }}>
            {session.user.email}
          </span>
          <SignOutButton />
        </nav>
        <div>
          <SocketBanner />
          <main className="main" id="main">
            <Suspense fallback={<p className="muted">Loading…</p>}>
              <Routes>
                <Route path="/" element={<DashboardPage />} />
                <Route path="/transactions" element={<TransactionsPage />} />
                <Route path="/budgets" element={<BudgetsPage />} />
                <Route path="/imports" element={<ImportsPage />} />
                <Route path="/rules" element={<RulesPage />} />
                <Route path="/alerts" element={<AlertsPage />} />
                <Route path="/settings" element={<SettingsPage />} />
                <Route path="/sign-in" element={<Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />} />
                <Route path="/sign-up" element={<Navigate to="/" replace />} />
                <Route path="*" element={<p>Page not found.</p>} />
              </Routes>
            </Suspense>
          </main>
        </div>
      </div>
    </ToastProvider>
  );
}

/** Live updates stop while the socket is down; say so until it is back. */
function SocketBanner() {
  const state = useSocketState();
  if (state !== 'reconnecting') return null;
  return (
    <div className="banner" role="status">
      Live updates paused: reconnecting…
    </div>
  );
}
