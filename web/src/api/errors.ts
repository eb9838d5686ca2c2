import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** One problem of a request as the user should read it, and the input field it names. */
export interface ApiProblem {
  message: string;
  code: string | null;
  field: string | null;
  /** Seconds to wait, for RATE_LIMITED. */
  retryAfter: number | null;
}

interface Extensions {
  code?: unknown;
  field?: unknown;
  retryAfter?: unknown;
}

function problemOf(message: string, extensions: Extensions | undefined): ApiProblem {
  const code = typeof extensions?.code === 'string' ? extensions.code : null;
  const retryAfter = typeof extensions?.retryAfter === 'number' ? extensions.retryAfter : null;
  // The API names input fields as paths ("input.amount"); forms key their fields by the last part.
  const field = typeof extensions?.field === 'string' ? (extensions.field.split('.').pop() ?? null) : null;
  if (code === 'RATE_LIMITED') {
    const wait = retryAfter ?? 60;
    return { message: `Too many requests. Try again in ${wait} second${wait === 1 ? '' : 's'}.`, code, field, retryAfter: wait };
  }
  if (code === 'INTERNAL_SERVER_ERROR') return { message: 'Something went wrong on our side. Try again.', code, field, retryAfter };
  return { message, code, field, retryAfter };
}

/** Every problem an Apollo Client error carries: GraphQL errors, or an HTTP error with a body. */
export function apiProblems(error: unknown): ApiProblem[] {
  if (!error) return [];
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => problemOf(e.message, e.extensions as Extensions | undefined));
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: { message: string; extensions?: Extensions }[] };
      if (body.errors?.length) return body.errors.map((e) => problemOf(e.message, e.extensions));
    } catch {
      // Not JSON: fall through to the status line.
    }
    return [problemOf(`The server answered ${error.statusCode}.`, undefined)];
  }
  if (error instanceof Error) return [problemOf(error.message.includes('fetch') ? 'Cannot reach Centavo. Check your connection.' : error.message, undefined)];
  return [problemOf(String(error), undefined)];
}

/** Field errors by field name, and what belongs to no field (shown above the form). */
export function formProblems(error: unknown, fields: readonly string[]): { byField: Record<string, string>; general: string[] } {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const problem of apiProblems(error)) {
    if (problem.field && fields.includes(problem.field) && !byField[problem.field]) byField[problem.field] = problem.message;
    else general.push(problem.message);
  }
  return { byField, general };
}
