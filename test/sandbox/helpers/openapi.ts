/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// Validates sandbox responses against MX's own OpenAPI document (src/mx/openapi/v20111101.yml, vendored) with Ajv:
// the document is loaded as is, OpenAPI 3.0's `nullable` becomes JSON Schema's null type, and `$ref`s
// resolve against the document. Only the spec errata listed below are patched.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { Exchange } from './client';

export const SPEC_PATH = fileURLToPath(new URL('../../../src/mx/openapi/v20111101.yml', import.meta.url));

/**
 * Known errors in the v20111101 document (MX sends them that way; see src/mx/openapi/README.md): MX sends the job guid as a string and the
 * detail text as null, while the document types both as boolean.
 */
const ERRATA: Record<string, Record<string, unknown>> = {
  MemberResponse: {
    most_recent_job_guid: { type: 'string', nullable: true },
    most_recent_job_detail_text: { type: 'string', nullable: true },
  },
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
}

export class SpecValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(path = SPEC_PATH) {
    const doc = parse(readFileSync(path, 'utf8')) as Json;
    const schemas = doc.components.schemas as Json;
    for (const [name, fields] of Object.entries(ERRATA)) Object.assign(schemas[name].properties, fields);
    this.ajv.addSchema({ components: { schemas: convert(schemas) } }, 'mx');
    for (const [template, item] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        if (!['get', 'post', 'put', 'delete'].includes(method)) continue;
        const regex = template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+');
        this.operations.push({ method: method.toUpperCase(), template, pattern: new RegExp(`^${regex}$`), responses: op.responses, operationId: op.operationId });
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
    const response = op.responses[String(exchange.status)];
    if (!response) {
      // listMemberChallenges documents its 204 only in prose.
      if (exchange.status === 204 && op.operationId === 'listMemberChallenges' && exchange.bytes.length === 0) return [];
      return [`${where}: status not documented for ${op.operationId}`];
    }
    if (!response.content) return exchange.bytes.length === 0 ? [] : [`${where}: expected no body`];
    const [mediaType, media] = Object.entries(response.content as Json)[0]!;
    if (!exchange.contentType?.startsWith(mediaType)) return [`${where}: content-type ${exchange.contentType}, document says ${mediaType}`];
    if (mediaType.endsWith('+pdf')) return exchange.bytes.subarray(0, 5).toString() === '%PDF-' ? [] : [`${where}: not a PDF`];
    const validate = this.validator(media.schema);
    return validate(exchange.json) ? [] : (validate.errors ?? []).map((e) => `${where} (${op.operationId}): ${e.instancePath} ${e.message}`);
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
