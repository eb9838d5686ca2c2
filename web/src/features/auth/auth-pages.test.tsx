import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { RegisterDocument } from '../../generated/graphql';
import { renderWithApi } from '../../test/render';
import { SignUpPage } from './auth-pages';

const input = { name: 'Ana', email: 'ana@example.com', password: 'secret' };

async function fillAndSubmit(password = input.password) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Name'), input.name);
  await user.type(screen.getByLabelText('Email'), input.email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign up' }));
}

describe('sign up', () => {
  it('shows the API error beside the field it names (extensions.field)', async () => {
    renderWithApi(<SignUpPage />, [
      {
        request: { query: RegisterDocument, variables: { input } },
        result: { errors: [{ message: 'Password must have at least 8 characters', extensions: { code: 'BAD_USER_INPUT', field: 'password' } }] },
      },
    ]);
    await fillAndSubmit();
    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(password.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(password.getAttribute('aria-describedby')!)?.textContent).toBe('Password must have at least 8 characters');
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBeNull();
  });

  it('says when to retry when rate limited', async () => {
    renderWithApi(<SignUpPage />, [
      {
        request: { query: RegisterDocument, variables: { input } },
        result: { errors: [{ message: 'Too many registrations', extensions: { code: 'RATE_LIMITED', retryAfter: 30 } }] },
      },
    ]);
    await fillAndSubmit();
    expect((await screen.findByRole('alert')).textContent).toBe('Too many requests. Try again in 30 seconds.');
  });

  it('keeps the session it got, so a reload stays signed in', async () => {
    const session = {
      __typename: 'AuthPayload',
      accessToken: 'a1',
      refreshToken: 'r1',
      expiresAt: new Date(Date.now() + 900_000).toISOString(),
      user: { __typename: 'User', id: 'u1', email: input.email, name: input.name },
    };
    const { api } = renderWithApi(<SignUpPage />, [{ request: { query: RegisterDocument, variables: { input } }, result: { data: { register: session } } }]);
    await fillAndSubmit();
    await waitFor(() => expect(api.session.get()?.refreshToken).toBe('r1'));
    expect(JSON.parse(localStorage.getItem('centavo.session')!).user.email).toBe(input.email);
  });
});
