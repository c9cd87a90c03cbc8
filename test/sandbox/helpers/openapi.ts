/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// Validates sandbox exchanges against MX's own OpenAPI documents (src/mx/openapi/<version>.yml, vendored)
// with Ajv: the document is loaded as is, OpenAPI 3.0's `nullable` becomes JSON Schema's null type, and
// `$ref`s resolve against the document. Only the spec errata listed below are patched. Responses are
// checked by problems(); requests (required headers, query enums, body) by requestProblems().
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { MxApiVersion } from '../../../src/mx/versions';
import type { Exchange } from './client';

export const specPath = (version: MxApiVersion) => fileURLToPath(new URL(`../../../src/mx/openapi/${version}.yml`, import.meta.url));
export const SPEC_PATH = specPath('v20111101');

/**
 * Known errors in the documents (see src/mx/openapi/README.md), as property overrides per schema. v20111101:
 * MX sends the job guid as a string and the detail text as null, while the document types both as boolean.
 * v20250224: the detail text is still typed boolean, and `supported_products` lacks `type: array`.
 */
const ERRATA: Record<MxApiVersion, Record<string, Record<string, unknown>>> = {
  v20111101: {
    MemberResponse: {
      most_recent_job_guid: { type: 'string', nullable: true },
      most_recent_job_detail_text: { type: 'string', nullable: true },
    },
  },
  v20250224: {
    MemberResponse: { most_recent_job_detail_text: { type: 'string', nullable: true } },
    InstitutionResponse: { supported_products: { type: 'array', items: { $ref: '#/components/schemas/SupportedProducts' } } },
  },
};

/** Answers MX documents only in prose: challenges' 204 (both versions), create member's 201 (v20250224's page). */
const PROSE_STATUSES: Record<string, { status: number; version?: MxApiVersion; sameAs?: string }[]> = {
  listMemberChallenges: [{ status: 204 }],
  createMember: [{ status: 201, version: 'v20250224', sameAs: '202' }],
};

type Json = Record<string, any>;

/** OpenAPI 3.0 schema -> JSON Schema (draft-07 as Ajv reads it). */
function convert(node: any): any {
  if (Array.isArray(node)) return node.map(convert);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example') continue;
    out[key] = key === '$ref' ? (value as string).replace(/^#/, 'mx#') : convert(value);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.$ref || out.allOf) return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Json;
  operationId: string;
  parameters: Json[];
  requestBody?: Json;
}

export class SpecValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly version: MxApiVersion = 'v20111101') {
    const doc = parse(readFileSync(specPath(version), 'utf8')) as Json;
    const schemas = doc.components.schemas as Json;
    for (const [name, fields] of Object.entries(ERRATA[version])) Object.assign(schemas[name].properties, fields);
    this.ajv.addSchema({ components: { schemas: convert(schemas) } }, 'mx');
    const parameter = (p: Json): Json => (p.$ref ? doc.components.parameters[(p.$ref as string).split('/').pop()!] : p);
    for (const [template, item] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        if (!['get', 'post', 'put', 'delete'].includes(method)) continue;
        const regex = template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+');
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${regex}$`),
          responses: op.responses,
          operationId: op.operationId,
          parameters: ((op.parameters ?? []) as Json[]).map(parameter),
          requestBody: op.requestBody,
        });
      }
    }
  }

  /** The document's operation for a concrete request; the most literal template wins (`{guid}.pdf` over `{guid}`). */
  operationFor(method: string, path: string): Operation | undefined {
    const matches = this.operations.filter((op) => op.method === method && op.pattern.test(path));
    return matches.sort((a, b) => literalLength(b.template) - literalLength(a.template))[0];
  }

  /** Problems with one exchange; empty when it is what the document promises. */
  problems(exchange: Exchange): string[] {
    const where = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    if (exchange.status >= 400) return errorProblems(exchange, where);
    const op = this.operationFor(exchange.method, exchange.path);
    if (!op) return [`${where}: no such operation in the document`];
    const prose = PROSE_STATUSES[op.operationId]?.find((p) => p.status === exchange.status && (!p.version || p.version === this.version));
    const response = op.responses[String(exchange.status)] ?? (prose?.sameAs ? op.responses[prose.sameAs] : undefined);
    if (!response) {
      if (prose && exchange.bytes.length === 0) return [];
      return [`${where}: status not documented for ${op.operationId}`];
    }
    if (!response.content) return exchange.bytes.length === 0 ? [] : [`${where}: expected no body`];
    const [mediaType, media] = Object.entries(response.content as Json)[0]!;
    if (!exchange.contentType?.startsWith(mediaType)) return [`${where}: content-type ${exchange.contentType}, document says ${mediaType}`];
    if (mediaType.endsWith('+pdf')) return exchange.bytes.subarray(0, 5).toString() === '%PDF-' ? [] : [`${where}: not a PDF`];
    const validate = this.validator(media.schema);
    return validate(exchange.json)
      ? []
      : (validate.errors ?? []).map((e) => `${where} (${op.operationId}): ${e.instancePath} ${e.message}`);
  }

  /** Problems with the request of one exchange: required headers, query values outside an enum, the body. */
  requestProblems(exchange: Exchange): string[] {
    const where = `${exchange.method} ${exchange.path}`;
    const op = this.operationFor(exchange.method, exchange.path);
    if (!op) return [`${where}: no such operation in the document`];
    const problems: string[] = [];
    for (const p of op.parameters) {
      if (p.in === 'header' && p.required && !exchange.requestHeaders?.get(p.name))
        problems.push(`${where} (${op.operationId}): header ${p.name} is required`);
      if (p.in === 'header' && p.name === 'Accept-Version' && exchange.requestHeaders?.get(p.name) !== this.version) {
        problems.push(`${where} (${op.operationId}): Accept-Version is not ${this.version}`);
      }
      if (p.in !== 'query') continue;
      const values = exchange.query?.getAll(p.name) ?? [];
      const allowed = (p.schema?.items?.enum ?? p.schema?.enum) as string[] | undefined;
      for (const value of values)
        if (allowed && !allowed.includes(value))
          problems.push(`${where} (${op.operationId}): query ${p.name}=${value} is not in the document's enum`);
    }
    const known = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name as string));
    for (const name of new Set(exchange.query?.keys() ?? []))
      if (!known.has(name)) problems.push(`${where} (${op.operationId}): query ${name} is not a parameter`);
    const schema = op.requestBody?.content?.['application/json']?.schema;
    if (schema && exchange.requestBody !== undefined) {
      const validate = this.validator(schema);
      if (!validate(exchange.requestBody))
        problems.push(...(validate.errors ?? []).map((e) => `${where} (${op.operationId}) request: ${e.instancePath} ${e.message}`));
    }
    return problems;
  }

  private validator(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(convert(schema));
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

const literalLength = (template: string) => template.replace(/\{[^}]+\}/g, '').length;

/** The document declares no error schema; MX's shape is {"error": {"message": "..."}}. */
function errorProblems(exchange: Exchange, where: string): string[] {
  const message = exchange.json?.error?.message;
  return typeof message === 'string' && message.length > 0 ? [] : [`${where}: error body is not {"error": {"message": ...}}`];
}
