import { describe, expect, it } from 'vitest';
import { parseChallengeImage, toDataUri } from '../../src/support/images';
import { challengeForm } from '../../src/support/web/challenge-form';
import { escapeHtml, html } from '../../src/support/web/html';
import type { PendingChallenge } from '../../workflows/messages';

// The smallest valid PNG (1x1, transparent).
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const PNG_URI = `data:image/png;base64,${PNG_BASE64}`;

function form(challenges: PendingChallenge[]): string {
  return challengeForm({ workflowId: 'wf-"1"', challenges, csrfToken: 'csrf-abc', submissionId: 'sub-123', formKey: 'r0' }).value;
}

describe('html escaping', () => {
  it('escapes every interpolated value, including inside attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;');
    const label = '<script>alert(1)</script>';
    expect(html`<p title="${label}">${label}</p>`.value).toBe(
      '<p title="&#60;script&#62;alert(1)&#60;/script&#62;">&#60;script&#62;alert(1)&#60;/script&#62;</p>',
    );
    expect(html`<ul>${['<b>', html`<i>ok</i>`]}</ul>`.value).toBe('<ul>&#60;b&#62;<i>ok</i></ul>');
  });
});

describe('challenge images', () => {
  it('accepts raster data URIs and bare base64, re-encoded from the decoded bytes', () => {
    const image = parseChallengeImage(PNG_URI);
    expect(image?.mime).toBe('image/png');
    expect(toDataUri(image!)).toBe(PNG_URI);
    expect(parseChallengeImage(PNG_BASE64)?.extension).toBe('png');
  });

  it('refuses SVG, non-image data URIs, lying types and anything that is not a data URI', () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
    expect(parseChallengeImage(`data:image/svg+xml;base64,${svg}`)).toBeNull();
    expect(parseChallengeImage(`data:text/html;base64,${PNG_BASE64}`)).toBeNull();
    expect(parseChallengeImage(`data:image/jpeg;base64,${PNG_BASE64}`)).toBeNull();
    expect(parseChallengeImage('javascript:alert(1)')).toBeNull();
    expect(parseChallengeImage('https://evil.example/x.png')).toBeNull();
    expect(parseChallengeImage(`data:image/png;base64,${PNG_BASE64}" onerror="alert(1)`)).toBeNull();
    expect(parseChallengeImage(null)).toBeNull();
  });
});

describe('challenge form', () => {
  it('renders a text input for TEXT and a hidden-entry input for TOKEN, named after the challenge guid', () => {
    const out = form([
      { guid: 'CRD-1', label: 'What city were you born in?', fieldName: null, type: 'TEXT' },
      { guid: 'CRD-2', label: 'Code from your phone', fieldName: null, type: 'TOKEN' },
    ]);
    expect(out).toContain('<legend>What city were you born in? <span class="type">TEXT</span></legend>');
    expect(out).toMatch(/<input type="text" id="r0-0" name="answer:CRD-1" autocomplete="off" spellcheck="false" required>/);
    expect(out).toMatch(/<input type="password" id="r0-1" name="answer:CRD-2"/);
    expect(out).toContain('<input type="hidden" name="_csrf" value="csrf-abc">');
    expect(out).toContain('<input type="hidden" name="submission" value="sub-123">');
    expect(out).toContain('action="/runs/wf-%221%22/answers"');
    expect(out).toContain('data-run="wf-&#34;1&#34;"');
  });

  it('renders OPTIONS as radio buttons whose values are the option values', () => {
    const out = form([
      {
        guid: 'CRD-3',
        label: 'Pick one of the following',
        fieldName: null,
        type: 'OPTIONS',
        options: [
          { label: 'correct', value: 'correct' },
          { label: 'wrong answer', value: 'wrong answer' },
          { label: 'broken', value: null },
        ],
      },
    ]);
    expect(out).toContain(
      '<input type="radio" id="r0-0-0" name="answer:CRD-3" value="correct" required><label for="r0-0-0">correct</label>',
    );
    expect(out).toContain('value="wrong answer"');
    expect(out).toContain('broken (no value; cannot be chosen)');
  });

  it('shows IMAGE_DATA as an image with a text input, and IMAGE_OPTIONS as radio images', () => {
    const out = form([
      { guid: 'CRD-4', label: 'Who is this guy?', fieldName: null, type: 'IMAGE_DATA', imageData: PNG_URI },
      {
        guid: 'CRD-5',
        label: 'Pick your image',
        fieldName: null,
        type: 'IMAGE_OPTIONS',
        imageOptions: [
          { label: 'cat', value: 'cat-value', dataUri: PNG_URI },
          { label: 'evil', value: 'evil-value', dataUri: 'javascript:alert(1)' },
        ],
      },
    ]);
    expect(out).toContain(`<img src="${PNG_URI}" alt="Challenge image">`);
    expect(out).toMatch(/<input type="text" id="r0-0" name="answer:CRD-4"/);
    expect(out).toContain(
      `<input type="radio" id="r0-1-0" name="answer:CRD-5" value="cat-value" required><label for="r0-1-0"><img src="${PNG_URI}" alt="cat"><span>cat</span></label>`,
    );
    expect(out).not.toContain('javascript:');
    expect(out).toContain('(image not shown: not a PNG, JPEG, GIF, WebP or BMP data URI)');
  });

  it('shows bank text with markup as text, in labels, options and values', () => {
    const evil = '<script>alert("x")</script>';
    const out = form([
      { guid: 'CRD-6', label: evil, fieldName: null, type: 'OPTIONS', options: [{ label: evil, value: `"><img src=x onerror=alert(1)>` }] },
      { guid: 'CRD-7', label: 'x', fieldName: null, type: 'SOMETHING_NEW' },
    ]);
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img src=x');
    expect(out).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(out).toContain('Unknown challenge type: answered as text.');
  });
});
