// Offset pages over a list sorted the same way on every call (ECR's listings); the token is
// opaque to clients.
import { invalidParameter } from './validation.js';

export function paginate<T>(
  items: T[],
  nextToken: string | undefined,
  maxResults: number,
): { items: T[]; nextToken: string | undefined } {
  let offset = 0;
  if (nextToken !== undefined) {
    const decoded = Number(Buffer.from(nextToken, 'base64url').toString('utf8').split(':')[1]);
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidParameter('Invalid NextToken.');
    offset = decoded;
  }
  const end = offset + maxResults;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : undefined,
  };
}
