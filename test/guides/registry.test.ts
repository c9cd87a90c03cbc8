// The guide registry: every workflow the worker registers has exactly one entry, the id rule is the one
// the README documents, and a bad input is refused with the workflow's own message, never its values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkGuideInput, GUIDE_LIST, GUIDES, guideNamed, guideWorkflowId, InvalidGuideInputError } from '../../src/guides/registry';

describe('guide registry', () => {
  it('has one entry per guide workflow exported by workflows/index.ts, keyed by its type', () => {
    const exported = [...readFileSync('workflows/index.ts', 'utf8').matchAll(/^export \{ (\w+) \}/gm)].map((m) => m[1]);
    // Not guides: the refresh of a guide's member (its ids: src/schedules) and the delivery of run events.
    const guides = exported.filter((name) => name !== 'refreshMember' && name !== 'deliverRunEvent');
    expect(GUIDE_LIST.map((guide) => guide.type).sort()).toEqual(guides.sort());
    for (const [type, guide] of Object.entries(GUIDES)) expect(guide.type).toBe(type);
    expect(new Set(GUIDE_LIST.map((guide) => guide.idPrefix)).size).toBe(GUIDE_LIST.length);
  });

  it('names runs <prefix>-<userId>-<institution>, by code or by an id-safe name', () => {
    expect(guideWorkflowId(GUIDES.fetchAccountData, { userId: 'alice', institutionCode: 'mxbank' })).toBe(
      'fetch-account-data-alice-mxbank',
    );
    expect(guideWorkflowId(GUIDES.fetchStatements, { userId: 'bob', institutionName: ' MX Bank (OAuth) ' })).toBe(
      'fetch-statements-bob-mx-bank-oauth',
    );
  });

  it('refuses an unknown guide by listing the known ones', () => {
    expect(guideNamed('fetchStatements')).toBe(GUIDES.fetchStatements);
    expect(() => guideNamed('fetchAll')).toThrow('Unknown guide "fetchAll": use fetchAccountData or fetchStatements.');
  });

  it("checks the input with the workflow's rules and never repeats a value", () => {
    expect(checkGuideInput({ userId: 'alice', institutionCode: 'mxbank', credentials: { username: 'u', password: 'p' } })).toMatchObject({
      userId: 'alice',
    });
    let message = '';
    try {
      checkGuideInput({
        userId: 'al ice',
        institutionCode: 'mxbank',
        credentials: { password: 'hunter2'.repeat(300) },
        extra: 'secret-extra',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidGuideInputError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid workflow input:/);
    expect(message).toContain('userId');
    expect(message).toContain('credentials.password');
    expect(message).toContain('unknown field(s) extra');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('secret-extra');
  });
});
