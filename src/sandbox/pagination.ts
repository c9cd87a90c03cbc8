// MX pagination: `page` is 1-based; `records_per_page` defaults to 25, and a value above the route's
// maximum silently falls back to 25 (MX documents this). Below 10 is undocumented: we clamp up to 10.
import { badRequest } from './errors';

export interface Pagination {
  current_page: number;
  per_page: number;
  total_entries: number;
  total_pages: number;
}

export interface PageRequest {
  page: number;
  perPage: number;
}

const DEFAULT_PER_PAGE = 25;
const MIN_PER_PAGE = 10;
/** Institution lists allow 100 per page, every other list 1000. */
export const MAX_PER_PAGE = { institutions: 100, default: 1000 } as const;

export function parsePageRequest(query: Record<string, unknown>, maxPerPage: number): PageRequest {
  const page = parseWholeNumber(query.page, 'page') ?? 1;
  if (page < 1) throw badRequest('page must be 1 or more');
  const requested = parseWholeNumber(query.records_per_page, 'records_per_page');
  let perPage = requested ?? DEFAULT_PER_PAGE;
  if (perPage > maxPerPage) perPage = DEFAULT_PER_PAGE;
  else if (perPage < MIN_PER_PAGE) perPage = MIN_PER_PAGE;
  return { page, perPage };
}

function parseWholeNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^-?\d{1,9}$/.test(value)) {
    throw badRequest(`${name} must be a whole number`);
  }
  return Number(value);
}

/** The window [start, end) of a list of `total` entries that the request's page covers. */
export function pageWindow(request: PageRequest, total: number): { start: number; end: number; pagination: Pagination } {
  const start = Math.min((request.page - 1) * request.perPage, total);
  const end = Math.min(start + request.perPage, total);
  return {
    start,
    end,
    pagination: {
      current_page: request.page,
      per_page: request.perPage,
      total_entries: total,
      total_pages: Math.ceil(total / request.perPage),
    },
  };
}

export function paginate<T>(items: readonly T[], request: PageRequest): { items: T[]; pagination: Pagination } {
  const { start, end, pagination } = pageWindow(request, items.length);
  return { items: items.slice(start, end), pagination };
}
