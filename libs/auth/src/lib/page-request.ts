export interface PageRequest {
  readonly limit: number;
  /** the last row of the previous page */
  readonly after?: { readonly createdAt: Date; readonly id: string };
}

/** Rows after a position in (createdAt, id) ascending order. */
export function afterPosition(after: PageRequest['after']) {
  if (!after) return {};
  return { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] };
}
