// Choosing the backend by configuration: STORAGE_URL=s3://bucket/prefix with the AWS SDK's variables, or
// the local folder by default. A wrong setting fails at load, naming the variable, never echoing a key.
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config';
import { createStorage, describeStorage } from '../../src/storage/create';
import { parseS3Url } from '../../src/storage/s3-location';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const s3Env = {
  STORAGE_URL: 's3://mx-guides/storage',
  AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:7070',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: SECRET,
};

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseS3Url', () => {
  it.each([
    ['s3://bucket', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/', { bucket: 'bucket', prefix: '' }],
    ['s3://my.bucket-1/a/b/', { bucket: 'my.bucket-1', prefix: 'a/b' }],
  ])('reads %s', (url, expected) => expect(parseS3Url(url)).toEqual(expected));

  it.each([
    ['https://bucket/x', /s3:\/\/bucket/],
    ['s3://', /not a valid S3 bucket name/],
    ['s3://Bucket', /not a valid S3 bucket name/],
    ['s3://ab', /not a valid S3 bucket name/],
    ['s3://192.168.1.1', /not a valid S3 bucket name/],
    ['s3://bucket/a//b', /prefix: .*empty segment/],
    ['s3://bucket/../up', /prefix: .*"\.\." segment/],
    ['s3://bucket/x?versionId=1', /no query/],
  ])('refuses %s, saying why', (url, problem) => expect(() => parseS3Url(url)).toThrow(problem));
});

describe('loadConfig: storage', () => {
  it('keeps the local folder by default', () => {
    const config = loadConfig({ STORAGE_DIR: '/tmp/somewhere' });
    expect(config.storage).toEqual({ kind: 'local' });
    expect(describeStorage(config)).toBe('/tmp/somewhere');
  });

  it('chooses S3 from STORAGE_URL, with the endpoint, a default region and path-style URLs for an S3-compatible server', () => {
    const config = loadConfig(s3Env);
    expect(config.storage).toEqual({
      kind: 's3',
      bucket: 'mx-guides',
      prefix: 'storage',
      endpoint: 'http://127.0.0.1:7070',
      region: 'us-east-1',
    });
    expect(describeStorage(config)).toBe('s3://mx-guides/storage at http://127.0.0.1:7070');
    expect(createStorage(config).locate('a/b.pdf')).toBe('s3://mx-guides/storage/a/b.pdf');
    expect(loadConfig({ ...s3Env, AWS_ENDPOINT_URL_S3: '', AWS_ENDPOINT_URL: 'https://s3.example.com' }).storage).toMatchObject({
      endpoint: 'https://s3.example.com',
    });
    const aws = loadConfig({ STORAGE_URL: 's3://mx-guides', AWS_REGION: 'eu-west-1' });
    expect(aws.storage).toEqual({ kind: 's3', bucket: 'mx-guides', prefix: '', endpoint: undefined, region: 'eu-west-1' });
    expect(describeStorage(aws)).toBe('s3://mx-guides (AWS S3, eu-west-1)');
  });

  it('never puts the credentials into Config, so neither logs nor describeConfig can show them', () => {
    const config = loadConfig(s3Env);
    expect(JSON.stringify(config)).not.toContain(SECRET);
    expect(JSON.stringify(describeConfig(config))).not.toContain(SECRET);
  });

  it.each([
    [{ STORAGE_URL: 'bucket/prefix' }, /STORAGE_URL: must look like s3:\/\/bucket/],
    [{ STORAGE_URL: 's3://UPPER' }, /STORAGE_URL: bucket "UPPER" is not a valid S3 bucket name/],
    [{ STORAGE_URL: 's3://mx-guides' }, /AWS_REGION: is required when STORAGE_URL is set without AWS_ENDPOINT_URL_S3/],
    [{ ...s3Env, AWS_ENDPOINT_URL_S3: 'ftp://host' }, /AWS_ENDPOINT_URL_S3: /],
    [{ ...s3Env, AWS_ENDPOINT_URL_S3: `http://AKIDEXAMPLE:${SECRET}@host:7070` }, /AWS_ENDPOINT_URL_S3: must not contain credentials/],
    [{ ...s3Env, AWS_SECRET_ACCESS_KEY: '' }, /AWS_SECRET_ACCESS_KEY: is required when AWS_ACCESS_KEY_ID is set/],
    [{ ...s3Env, AWS_ACCESS_KEY_ID: '' }, /AWS_ACCESS_KEY_ID: is required when AWS_SECRET_ACCESS_KEY is set/],
    [{ ...s3Env, AWS_REGION: 'Not A Region' }, /AWS_REGION: must be a region name/],
  ])('refuses a bad setting (%#), naming the variable and never the secret', (env, problem) => {
    const message = configError(env as Record<string, string>);
    expect(message).toMatch(problem);
    expect(message).not.toContain(SECRET);
  });
});
