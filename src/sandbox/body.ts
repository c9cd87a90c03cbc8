// Reading request bodies the way MX does: wrapped objects ({"user": {...}}), a 400 naming the field
// that is missing or has the wrong type. Values are never echoed (they may be credentials).
import { badRequest } from './errors';

export type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `body[key]` as an object; `nonEmpty` rejects {} as MX does for create/update user and update member. */
export function wrapped(body: unknown, key: string, nonEmpty: boolean): Fields {
  if (!isObject(body) || !(key in body)) throw badRequest(`The request body must be a JSON object with a "${key}" object`);
  const inner = body[key];
  if (!isObject(inner)) throw badRequest(`${key} must be a JSON object`);
  if (nonEmpty && Object.keys(inner).length === 0) throw badRequest(`${key} cannot be empty`);
  return inner;
}

export function optionalString(fields: Fields, key: string, path: string): string | null | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw badRequest(`${path} must be a string`);
  return value;
}

export function optionalBoolean(fields: Fields, key: string, path: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${path} must be true or false`);
  return value;
}

export function requiredString(fields: Fields, key: string, path: string): string {
  const value = optionalString(fields, key, path);
  if (value === undefined || value === null || value === '') throw badRequest(`${path} is required`);
  return value;
}

export interface CredentialValue {
  guid: string;
  value: string;
}

/** An array of {guid, value} pairs: member credentials and MFA answers share the shape. */
export function credentialList(fields: Fields, key: string, path: string, required: boolean): CredentialValue[] | undefined {
  const value = fields[key];
  if (value === undefined || value === null) {
    if (required) throw badRequest(`${path} is required`);
    return undefined;
  }
  if (!Array.isArray(value)) throw badRequest(`${path} must be an array of {guid, value} objects`);
  return value.map((item: unknown, i) => {
    if (!isObject(item)) throw badRequest(`${path}[${i}] must be an object with guid and value`);
    return { guid: requiredString(item, 'guid', `${path}[${i}].guid`), value: requiredValue(item, `${path}[${i}].value`) };
  });
}

function requiredValue(item: Fields, path: string): string {
  if (typeof item.value !== 'string') throw badRequest(`${path} is required and must be a string`);
  return item.value;
}

export function optionalStringArray(fields: Fields, key: string, path: string, allowed: readonly string[]): string[] | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && allowed.includes(item))) {
    throw badRequest(`${path} must be an array of ${allowed.join(' / ')}`);
  }
  return value as string[];
}

/** Query-string booleans: "true"/"false"; anything else is a 400 naming the parameter. */
export function queryBoolean(query: Fields, key: string): boolean | undefined {
  const value = query[key];
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest(`${key} must be true or false`);
}
