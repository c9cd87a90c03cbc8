// MX lists are page-numbered (1-based) with `pagination.total_pages`. Page sizes above the endpoint's
// maximum silently fall back to 25, so callers pass the exact maximum and we always read total_pages.
import type { Pagination } from './schemas';

/** Largest `records_per_page` MX honours: 1000 for most lists, 100 for institutions. */
export const MAX_PER_PAGE = 1000;
export const MAX_INSTITUTIONS_PER_PAGE = 100;

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/** Walks every page, one request at a time, yielding items as they arrive (never all pages in memory). */
export async function* paginate<T>(
  fetchPage: (page: number, perPage: number) => Promise<Page<T>>,
  perPage: number = MAX_PER_PAGE,
): AsyncGenerator<T, void, undefined> {
  for (let page = 1; ; page++) {
    const read = await fetchPage(page, perPage);
    yield* read.items;
    if (isLastPage(page, read)) return;
  }
}

/** Whether `page` (1-based) was the list's last: an empty page, or `total_pages` reached. */
export function isLastPage(page: number, { items, pagination }: Page<unknown>): boolean {
  return items.length === 0 || page >= pagination.total_pages;
}
