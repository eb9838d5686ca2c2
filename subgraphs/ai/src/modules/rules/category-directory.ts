/**
 * Asks the budget domain whether a category id is one of the caller's, through the budget
 * subgraph's federation entity resolver and with the caller's own token: the ai domain never
 * reads the budget domain's tables.
 */
export class CategoryDirectory {
  constructor(
    private readonly budgetUrl: string,
    private readonly timeoutMs = 3_000,
  ) {}

  async isUsersCategory(token: string, categoryId: string, requestId: string): Promise<boolean> {
    const response = await fetch(this.budgetUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-request-id': requestId,
      },
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Category { id } } }',
        variables: { r: [{ __typename: 'Category', id: categoryId }] },
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`budget subgraph answered HTTP ${response.status}`);
    const body = (await response.json()) as { data?: { _entities?: ({ id: string } | null)[] }; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`budget subgraph error: ${JSON.stringify(body.errors[0])}`);
    return body.data?._entities?.[0]?.id === categoryId;
  }
}
