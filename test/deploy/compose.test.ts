// docker-compose.yml and the Dockerfile cannot run here (no Docker engine), so this checks what can be
// checked without one: that they agree with the code (npm scripts, configuration variables, ports,
// search attributes, shutdown grace), and it runs the namespace setup script for real against the
// test's Temporal server with the same CLI the admin-tools image carries.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import proto from '@temporalio/proto';
import { build } from '../../scripts/build.mjs';
import { requireTemporalCli } from '../../scripts/temporal-cli.mjs';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../workflows/messages';
import { connectToTestServer, uniqueName } from '../helpers/temporal';
import { POSTGRES_MAJOR } from '../cluster/helpers/postgres';
import { composeEnvironment, TEMPORAL_SERVER_VERSION } from '../cluster/helpers/temporal-server';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const appServices = Object.entries(services).filter(([, s]) => s.build === '.');
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
  dependencies: Record<string, string>;
};
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** What `docker compose` makes of `${VAR:-default}` and `${VAR:?message}` when VAR is not set. */
function interpolate(value: string | number): string {
  const operatorValue = (name: string) =>
    name.endsWith('_KEY') ? randomBytes(32).toString('base64') : `set-by-operator-${name}-0123456789`;
  return String(value).replace(
    /\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g,
    (_, name: string, fallback?: string) => fallback ?? operatorValue(name),
  );
}
const environmentOf = (service: Service) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
const publishedPort = (service: Service, containerPort: number) =>
  service.ports
    ?.map((p) => p.split(':'))
    .find((parts) => Number(parts.at(-1)) === containerPort)
    ?.at(-2);

describe('docker-compose.yml', () => {
  it("runs the worker, sandbox, support page and codec server from this project's image, each with an npm script that exists", () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(['codec', 'sandbox', 'support', 'webhooks', 'worker']);
    for (const [name, service] of appServices) {
      expect(service.command?.slice(0, 2), name).toEqual(['npm', 'run']);
      expect(packageJson.scripts, name).toHaveProperty([service.command![2]!]);
      expect(service.volumes, name).toContain('app-data:/data');
    }
  });

  it('gives each of them only variables the code reads, with values the configuration accepts', () => {
    const temporalVariables = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE'];
    for (const [name, service] of appServices) {
      const env = environmentOf(service);
      for (const variable of Object.keys(env))
        expect([...CONFIG_VARIABLES, ...temporalVariables], `${name}: ${variable}`).toContain(variable);
      expect(() => loadConfig(env), name).not.toThrow();
    }
  });

  it('gives the sealing private key to the workers only; the codec server and support page get its public half', () => {
    expect(environmentOf(services.worker!)).toHaveProperty('PAYLOAD_SEAL_KEY');
    for (const name of ['codec', 'support', 'sandbox']) expect(environmentOf(services[name]!), name).not.toHaveProperty('PAYLOAD_SEAL_KEY');
    for (const name of ['codec', 'support']) expect(environmentOf(services[name]!), name).toHaveProperty('PAYLOAD_SEAL_PUBLIC_KEY');
    expect(packageJson.scripts).toHaveProperty('seal-keys');
  });

  it('wires the worker to the sandbox and the Web UI to the codec server', () => {
    const worker = loadConfig(environmentOf(services.worker!));
    const sandbox = loadConfig(environmentOf(services.sandbox!));
    expect(worker.mx.baseUrl).toBeUndefined();
    expect(worker.sandbox).toMatchObject({ host: 'sandbox', port: sandbox.sandbox.port });
    expect([worker.mx.clientId, worker.mx.apiKey]).toEqual([sandbox.mx.clientId, sandbox.mx.apiKey]);
    expect(environmentOf(services.worker!).TEMPORAL_ADDRESS).toBe('temporal:7233');

    const ui = environmentOf(services['temporal-ui']!);
    const codec = loadConfig(environmentOf(services.codec!)).codec;
    const endpoint = new URL(ui.TEMPORAL_CODEC_ENDPOINT!);
    expect(publishedPort(services.codec!, codec.port)).toBe(endpoint.port);
    const uiOrigin = `http://localhost:${publishedPort(services['temporal-ui']!, 8080)}`;
    expect(codec.corsOrigins).toContain(uiOrigin);
    expect(codec.host).toBe('0.0.0.0');
    // The codec server decrypts for whoever reaches it, the support page signs people in: host loopback only.
    for (const name of ['codec', 'support', 'temporal-ui']) {
      for (const port of services[name]!.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('stops a worker only after its activities had their grace time', () => {
    const graceMs = loadConfig(environmentOf(services.worker!)).workerShutdownGraceMs;
    const stopSeconds = Number(/^(\d+)s$/.exec(services.worker!.stop_grace_period ?? '')?.[1]);
    expect(stopSeconds * 1000).toBeGreaterThan(graceMs);
  });

  it('starts workers and the support page only once the namespace and search attributes exist', () => {
    for (const name of ['worker', 'support']) {
      expect(services[name]!.depends_on?.['temporal-setup'], name).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('pins every image and mounts scripts that exist and can run', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:\$\{\w+:-[\w.]+\}$/);
      expect(interpolate(service.image!), name).not.toMatch(/:latest$/);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) accessSync(source, constants.R_OK);
      }
      const script = [...(service.entrypoint ?? []), ...(service.command ?? [])].find((part) => part.startsWith('/deploy/'));
      if (script) accessSync(script.replace('/deploy/', 'deploy/temporal/'), constants.X_OK);
    }
  });
});

describe('docker-compose.yml: S3 storage', () => {
  const s3 = services.s3!;
  // What README "Storage" tells an operator to put in .env.
  const dotEnv: Record<string, string> = {
    STORAGE_URL: 's3://mx-guides/storage',
    AWS_ENDPOINT_URL_S3: 'http://s3:7070',
    AWS_ACCESS_KEY_ID: 'a0b1c2d3e4f5a6b7c8d9',
    AWS_SECRET_ACCESS_KEY: 'set-by-operator-0123456789abcdef',
  };
  const withDotEnv = (service: Service) =>
    Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([k, v]) => [
        k,
        interpolate(String(v).replace(/\$\{(\w+):-[^}]*\}/g, (whole, name: string) => dotEnv[name] ?? whole)),
      ]),
    );

  it('keeps local storage by default, and the s3 service behind its profile', () => {
    expect(loadConfig(environmentOf(services.worker!)).storage).toEqual({ kind: 'local' });
    expect((s3 as Service & { profiles?: string[] }).profiles).toEqual(['s3']);
    expect(s3.ports ?? []).toEqual([]);
  });

  it('points the worker at the bucket the s3 service creates, on the port it listens on, with its root keys', () => {
    const worker = loadConfig(withDotEnv(services.worker!));
    expect(worker.storage).toMatchObject({ kind: 's3', bucket: 'mx-guides', prefix: 'storage', endpoint: 'http://s3:7070' });
    const script = s3.command!.join(' ');
    expect(script).toContain('mkdir -p /data/mx-guides');
    expect(script).toMatch(/--port :7070 posix \/data/);
    expect(s3.volumes).toContain('s3-data:/data');
    const env = withDotEnv(s3);
    expect([env.ROOT_ACCESS_KEY, env.ROOT_SECRET_KEY]).toEqual([dotEnv.AWS_ACCESS_KEY_ID, dotEnv.AWS_SECRET_ACCESS_KEY]);
  });
});

describe('Dockerfile', () => {
  it('builds on a glibc Node that package.json allows, with the code the worker loads', () => {
    const from = /^FROM node:(\d+)-([\w-]+)$/m.exec(dockerfile);
    expect(from?.[2]).not.toMatch(/alpine/);
    expect(Number(from?.[1])).toBe(Number(/^>=(\d+)/.exec(packageJson.engines.node)?.[1]));
    for (const dir of ['scripts', 'src', 'workflows', 'activities']) expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
    const built = /RUN npm run build && npm run build:workflow -- (\S+)/.exec(dockerfile)?.[1];
    expect(built).toBeDefined();
    expect(dockerfile).toContain(`ENV WORKFLOW_BUNDLE_PATH=${built}`);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('installs production dependencies only, which are all the build needs and all the built commands import', async () => {
    await build({ quiet: true });
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev /m);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production /m);
    const dependencies = Object.keys(packageJson.dependencies);
    expect(dependencies).toContain('esbuild');
    // The services' scripts run the build (dist/), not TypeScript through tsx.
    for (const [name, service] of appServices)
      expect(packageJson.scripts[service.command![2]!], name).toMatch(/^(exec )?node scripts\/run\.mjs [\w-]+$/);
    // Every package the built JavaScript imports is a production dependency (or a Node built-in).
    const imported = new Set<string>();
    for (const file of readdirSync('dist').filter((f) => f.endsWith('.js'))) {
      for (const [, specifier] of readFileSync(join('dist', file), 'utf8').matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g,
      )) {
        if (specifier && !specifier.startsWith('.') && !specifier.startsWith('node:'))
          imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    const builtins = new Set(builtinModules);
    expect([...imported].filter((name) => !builtins.has(name) && !dependencies.includes(name))).toEqual([]);
  });
});

describe('deploy/temporal/setup-namespace.sh', () => {
  it("creates the namespace and exactly the guides' search attributes, and is safe to run again", async () => {
    const script = readFileSync('deploy/temporal/setup-namespace.sh', 'utf8');
    const listed = [...script.matchAll(/^\s+(Mx\w+):(\w+)/gm)].map(([, name, type]) => `${name}:${type!.toUpperCase()}`);
    expect(listed.sort()).toEqual(SEARCH_ATTRIBUTES.map((key) => `${key.name}:${key.type}`).sort());

    const temporal = await connectToTestServer();
    try {
      const namespace = uniqueName('compose-setup');
      const env = {
        ...process.env,
        PATH: `${dirname(requireTemporalCli())}:${process.env.PATH}`,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: namespace,
      };
      const run = () => promisify(execFile)('sh', ['deploy/temporal/setup-namespace.sh'], { env, timeout: 60_000 });
      expect((await run()).stdout).toContain(`Namespace ${namespace} is ready`);
      expect((await run()).stdout).toContain(`Namespace ${namespace} is ready`);

      const { customAttributes } = await temporal.client.connection.operatorService.listSearchAttributes({ namespace });
      const { IndexedValueType } = proto.temporal.api.enums.v1;
      const expected = { KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL } as Record<
        string,
        number
      >;
      for (const key of SEARCH_ATTRIBUTES) expect(customAttributes?.[key.name], key.name).toBe(expected[key.type]);
    } finally {
      await temporal.close();
    }
  });
});

describe('docker-compose.yml and the cluster test (npm run test:cluster) run the same Temporal', () => {
  const tag = (service: string) => interpolate(services[service]!.image!).split(':').at(-1);

  it('pins the server release that scripts/install-temporal-server.sh builds, in every Temporal image', () => {
    const installScript = readFileSync('scripts/install-temporal-server.sh', 'utf8');
    expect(/TEMPORAL_SERVER_VERSION="\$\{TEMPORAL_SERVER_VERSION:-(v[\d.]+)\}"/.exec(installScript)?.[1]).toBe(TEMPORAL_SERVER_VERSION);
    for (const name of ['temporal', 'temporal-schema', 'temporal-setup']) expect(`v${tag(name)}`, name).toBe(TEMPORAL_SERVER_VERSION);
    expect(readFileSync('deploy/temporal/schema/README.md', 'utf8')).toContain(`go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`);
  });

  it('runs the PostgreSQL major version the cluster test runs and scripts/install-system-deps.sh installs', () => {
    expect(tag('postgresql')).toBe(String(POSTGRES_MAJOR));
    expect(readFileSync('scripts/install-system-deps.sh', 'utf8')).toContain(`postgresql-${POSTGRES_MAJOR}`);
  });

  it('gives setup-postgres.sh the database settings the server gets, and the server the dynamic config the test uses', () => {
    const server = environmentOf(services.temporal!);
    const schema = environmentOf(services['temporal-schema']!);
    for (const name of ['POSTGRES_SEEDS', 'DB_PORT', 'POSTGRES_USER', 'POSTGRES_PWD']) expect(schema[name], name).toBe(server[name]);
    expect(server.DB).toBe('postgres12');
    // The cluster test starts the server with this environment (its PostgreSQL address and ports replaced).
    expect(composeEnvironment('temporal')).toEqual(server);
    const [source, target] = services.temporal!.volumes!.find((v) => v.includes('dynamicconfig'))!.split(':');
    expect(source).toBe('./deploy/temporal/dynamicconfig');
    expect(`/etc/temporal/${server.DYNAMIC_CONFIG_FILE_PATH}`).toBe(`${target}/development-sql.yaml`);
    accessSync('deploy/temporal/dynamicconfig/development-sql.yaml', constants.R_OK);
  });

  it('ships the schemas setup-postgres.sh applies, up to the versions the server release expects', () => {
    const versions = (dir: string) =>
      readdirSync(dir)
        .map((v) => v.slice(1).split('.').map(Number))
        .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!)
        .at(-1)!
        .join('.');
    // go.temporal.io/server@v1.32.2 schema/postgresql/v12/version.go: Version "1.19", VisibilityVersion "1.14".
    expect(versions('deploy/temporal/schema/postgresql/v12/temporal/versioned')).toBe('1.19');
    expect(versions('deploy/temporal/schema/postgresql/v12/visibility/versioned')).toBe('1.14');
    accessSync('deploy/temporal/schema/LICENSE', constants.R_OK);
    expect(readFileSync('deploy/temporal/setup-postgres.sh', 'utf8')).not.toMatch(/--pw\b/);
  });
});
