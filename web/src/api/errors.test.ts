import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { apiProblems, formProblems } from './errors';

const graphqlErrors = (...errors: { message: string; extensions?: Record<string, unknown> }[]) => new CombinedGraphQLErrors({ errors, data: null });

describe('API errors as a user reads them', () => {
  it('puts a BAD_USER_INPUT error next to the field it names, the rest above the form', () => {
    const error = graphqlErrors(
      { message: 'Password must have at least 8 characters', extensions: { code: 'BAD_USER_INPUT', field: 'password' } },
      { message: 'Amount needs 2 decimals', extensions: { code: 'BAD_USER_INPUT', field: 'input.amount' } },
      { message: 'Email already registered', extensions: { code: 'CONFLICT' } },
    );
    expect(formProblems(error, ['password', 'amount'])).toEqual({
      byField: { password: 'Password must have at least 8 characters', amount: 'Amount needs 2 decimals' },
      general: ['Email already registered'],
    });
    // A field the form does not have is still shown, above it.
    expect(formProblems(error, ['email']).general).toHaveLength(3);
  });

  it('tells when to retry after RATE_LIMITED, from a GraphQL error or a 429 body', () => {
    expect(apiProblems(graphqlErrors({ message: 'slow down', extensions: { code: 'RATE_LIMITED', retryAfter: 42 } }))[0]).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 42,
      message: 'Too many requests. Try again in 42 seconds.',
    });
    const body = JSON.stringify({ errors: [{ message: 'Too many requests; retry in 1s', extensions: { code: 'RATE_LIMITED', retryAfter: 1 } }] });
    const response = new Response(body, { status: 429 });
    expect(apiProblems(new ServerError('429', { response, bodyText: body }))[0]?.message).toBe('Too many requests. Try again in 1 second.');
  });

  it('never shows internal details, and says when the server cannot be reached', () => {
    expect(apiProblems(graphqlErrors({ message: 'relation "x" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR' } }))[0]?.message).toBe('Something went wrong on our side. Try again.');
    expect(apiProblems(new TypeError('Failed to fetch'))[0]?.message).toBe('Cannot reach Centavo. Check your connection.');
    expect(apiProblems(undefined)).toEqual([]);
  });
});
