// Which job a new member starts. v20111101: an aggregation unless `member.skip_aggregation`.
// v20250224: what `data_request.products` (beside `member`) asks for; no data_request is a standard
// aggregation, as MX's create-member page says. The sandbox runs one job: transactions (or history)
// start an aggregation, statements alone start a statements job, an empty list starts none. A product
// the institution or the sandbox cannot run is a failed product: MX's page answers 201 for that.
import type { MxApiVersion } from '../mx/versions/types';
import { optionalBoolean, type Fields } from './body';
import { badRequest } from './errors';
import { type Institution, PRODUCTS, supportedProducts } from './institutions';
import type { JobType } from './store';

export interface CreatePlan {
  job: JobType | null;
  /** Products asked for that will not run (201). */
  failed: string[];
}

const AGGREGATION_PRODUCTS = ['transactions', 'transaction_history'];

export function createPlan(version: MxApiVersion, body: Fields, member: Fields, institution: Institution): CreatePlan {
  if (version === 'v20111101') {
    const skip = optionalBoolean(member, 'skip_aggregation', 'member.skip_aggregation') ?? false;
    return { job: skip ? null : 'aggregation', failed: [] };
  }
  rejectSkipAggregation(member);
  const products = requestedProducts(body);
  if (products === undefined) return { job: 'aggregation', failed: [] };
  const runnable = supportedProducts(institution).filter((p) => p === 'statements' || AGGREGATION_PRODUCTS.includes(p));
  const failed = products.filter((product) => !runnable.includes(product));
  const runs = products.filter((product) => runnable.includes(product));
  const job = runs.some((p) => AGGREGATION_PRODUCTS.includes(p)) ? 'aggregation' : runs.includes('statements') ? 'statements' : null;
  return { job, failed };
}

/** v20250224 has no skip_aggregation; saying it is a mistake worth naming rather than ignoring. */
export function rejectSkipAggregation(member: Fields): void {
  if (member.skip_aggregation !== undefined) {
    throw badRequest(
      'member.skip_aggregation is not part of API version v20250224: list the products to aggregate in data_request.products',
    );
  }
}

function requestedProducts(body: Fields): string[] | undefined {
  const request = body.data_request;
  if (request === undefined || request === null) return undefined;
  const products = typeof request === 'object' && !Array.isArray(request) ? (request as Fields).products : undefined;
  if (!Array.isArray(products) || !products.every((p) => typeof p === 'string' && (PRODUCTS as readonly string[]).includes(p))) {
    throw badRequest(`data_request.products is required and must be an array of ${PRODUCTS.join(' / ')}`);
  }
  return products as string[];
}
