import { describe, expect, it } from 'vitest';
import { requestIdsOf } from './processors.js';

describe('requestIdsOf: the request ids a job logs', () => {
  it("takes the payload's own request id", () => {
    expect(requestIdsOf({ requestId: 'r1', events: [{ requestId: 'r2' }] })).toEqual({ requestId: 'r1' });
  });

  it("takes a batch's one shared request id, or its distinct ones", () => {
    expect(requestIdsOf({ events: [{ requestId: 'r1' }, { requestId: 'r1' }, {}] })).toEqual({ requestId: 'r1' });
    expect(requestIdsOf({ events: [{ requestId: 'r1' }, { requestId: 'r2' }, { requestId: 'r1' }] })).toEqual({ requestIds: ['r1', 'r2'] });
  });

  it('logs none when there is none', () => {
    expect(requestIdsOf({ events: [{}] })).toEqual({});
    expect(requestIdsOf(null)).toEqual({});
    expect(requestIdsOf({ requestId: 7 })).toEqual({});
  });
});
