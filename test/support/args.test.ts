import { describe, expect, it } from 'vitest';
import { parseAnswers, parseSupportArgs } from '../../src/support/cli/args';

describe('support CLI arguments', () => {
  it('reads the four commands and their options', () => {
    expect(parseSupportArgs(['pending'])).toEqual({ command: 'pending', json: false, match: null });
    expect(parseSupportArgs(['pending', '--json', '--match', 'alice'])).toEqual({ command: 'pending', json: true, match: 'alice' });
    expect(parseSupportArgs(['show', 'wf-1', '--images-dir', '/tmp/x'])).toEqual({
      command: 'show',
      workflowId: 'wf-1',
      json: false,
      imagesDir: '/tmp/x',
    });
    expect(parseSupportArgs(['answer', 'wf-1', '--answer', 'CRD-1=correct', '--answer=CRD-2=a=b'])).toEqual({
      command: 'answer',
      workflowId: 'wf-1',
      answers: [
        { guid: 'CRD-1', value: 'correct' },
        { guid: 'CRD-2', value: 'a=b' },
      ],
      answersFile: null,
      imagesDir: null,
    });
    expect(parseSupportArgs(['answer', 'wf-1', '--answers-file', '-'])).toMatchObject({ answers: [], answersFile: '-' });
    expect(() => parseSupportArgs(['answer', 'wf-1', '--answers-file', 'a', '--answer', 'CRD-1=x'])).toThrow('not both');
    expect(parseSupportArgs(['start', 'fetchStatements', '--input-file', 'in.json'])).toEqual({
      command: 'start',
      guide: 'fetchStatements',
      inputFile: 'in.json',
      workflowId: null,
      json: false,
    });
    expect(parseSupportArgs(['start', 'fetchAccountData', '--input-file=-', '--workflow-id', 'mine', '--json'])).toMatchObject({
      inputFile: '-',
      workflowId: 'mine',
      json: true,
    });
  });

  it('answers --help, -h, help and no arguments with the help text', () => {
    for (const argv of [[], ['--help'], ['answer', 'x', '-h'], ['help']]) expect(parseSupportArgs(argv)).toEqual({ command: 'help' });
  });

  it('names what is wrong with bad arguments', () => {
    expect(() => parseSupportArgs(['approve'])).toThrow('Unknown command "approve": use pending, show, answer or start.');
    expect(() => parseSupportArgs(['start', '--input-file', 'x'])).toThrow('start needs exactly one guide');
    expect(() => parseSupportArgs(['start', 'fetchStatements'])).toThrow('start needs --input-file <file>');
    // The input holds credentials: there is no option that takes it on the command line.
    expect(() => parseSupportArgs(['start', 'fetchStatements', '--input', '{"credentials":{}}'])).toThrow(
      'Unknown option --input for start.',
    );
    expect(() => parseSupportArgs(['show'])).toThrow('show needs exactly one workflow id.');
    expect(() => parseSupportArgs(['show', 'a', 'b'])).toThrow('show needs exactly one workflow id.');
    expect(() => parseSupportArgs(['pending', 'wf'])).toThrow('pending takes no workflow id.');
    expect(() => parseSupportArgs(['pending', '--answer', 'x=y'])).toThrow('Unknown option --answer for pending.');
    expect(() => parseSupportArgs(['answer', 'wf', '--answer'])).toThrow('--answer needs a value.');
    expect(() => parseSupportArgs(['pending', '--json=yes'])).toThrow('--json takes no value.');
  });

  it('rejects malformed answers without repeating their values', () => {
    const secret = 'hunter2-secret';
    const attempts = [[secret], [`=${secret}`], ['CRD-1=']];
    const messages = attempts.map((specs) => {
      try {
        parseAnswers(specs);
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(messages[0]).toBe('--answer number 1 must look like <challenge guid>=<value>. See --help.');
    expect(messages[1]).toBe('--answer number 1 must look like <challenge guid>=<value>. See --help.');
    expect(messages[2]).toBe('--answer for CRD-1 has an empty value. See --help.');
    expect(() => parseAnswers([`CRD-1=${secret}`, `CRD-1=${secret}`])).toThrow(/^--answer for CRD-1 is given twice/);
    for (const message of messages) expect(message).not.toContain(secret);
  });

  it('does not echo the value of an unknown option', () => {
    expect(() => parseSupportArgs(['answer', 'wf', '--answr=CRD-1=my-secret'])).toThrow(
      /^Unknown option --answr for answer\. See --help\.$/,
    );
  });
});
