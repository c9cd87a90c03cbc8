// The plumbing every MX call shares: paths with percent-encoded identifiers, list endpoints read page by
// page as async iterators, and calls whose success always has a body.
import type { z } from 'zod';
import type { MxHttp, Query } from './http';
import { paginate, type Page } from './pagination';

/** Builds a path, percent-encoding each identifier and refusing empty ones. */
export function path(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce((out, part, i) => {
    if (i >= ids.length) return out + part;
    const id = ids[i];
    if (!id) throw new TypeError(`MX path ${strings.join('{}')}: identifier ${i + 1} is empty`);
    return out + part + encodeURIComponent(id);
  }, '');
}

export const emptyPagination = { current_page: 1, per_page: 0, total_entries: 0, total_pages: 0 };

/** One GET of a list endpoint: which endpoint, where, with which filters. */
export interface ListCall {
  endpoint: string;
  path: string;
  query?: Query;
  signal?: AbortSignal;
}

type ListSchema<K extends string, T> = z.ZodType<{ [P in K]: T[] } & { pagination: Page<T>['pagination'] }>;

/**
 * One list endpoint as an async iterator over all of its pages. The call is built lazily, so a bad
 * identifier surfaces from the first `next()` like any other failure.
 */
export async function* lister<K extends string, T>(
  http: MxHttp,
  key: K,
  schema: ListSchema<K, T>,
  build: () => ListCall,
  perPage?: number,
): AsyncGenerator<T> {
  yield* paginate(pageReader(http, key, schema, build()), perPage);
}

/** Reads one page of a list endpoint. */
export function pageReader<K extends string, T>(
  http: MxHttp,
  key: K,
  schema: ListSchema<K, T>,
  call: ListCall,
): (page: number, perPage: number) => Promise<Page<T>> {
  return async (page, recordsPerPage) => {
    const query = { ...call.query, page, records_per_page: recordsPerPage };
    const { data } = await http.json({ ...call, method: 'GET', query, schema });
    if (!data) return { items: [], pagination: emptyPagination };
    return { items: data[key], pagination: data.pagination };
  };
}

/** For calls whose success always has a body. */
export async function must<T>(result: Promise<{ data: T | null }>): Promise<T> {
  const { data } = await result;
  return data as T;
}
