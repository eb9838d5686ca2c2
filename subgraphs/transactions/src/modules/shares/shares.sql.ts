/** Prisma's filter of an account's shares for "shared with this user, accepted". */
export const SHARED_WITH = (userId: string) => ({ some: { memberId: userId, status: 'ACCEPTED' as const } });

/** SQL: the ids of the accounts shared with the user in parameter `param` (accepted shares only). */
export const sharedAccountIds = (param: string) => `SELECT account_id FROM account_shares WHERE member_id = ${param} AND status = 'ACCEPTED'`;
