import { readFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import { TargetError, UsageError } from '../../core/errors.js';
import { parseCount, parseDuration, parseSize } from '../../core/units.js';

interface ConformanceArgs {
  url?: string;
  'upstream-admin'?: string;
  'impl-command'?: string;
  'impl-cwd'?: string;
  quick: boolean;
  only?: string[];
  json: boolean;
  list: boolean;
  'jwt-alg'?: string;
  'jwt-secret'?: string;
  'jwt-private-key-file'?: string;
  'jwt-issuer'?: string;
  'fanout-deadline'?: string;
  'upstream-timeout'?: string;
  'breaker-failures'?: string;
  'breaker-cooldown'?: string;
  'max-body'?: string;
  'max-header'?: string;
  'ready-timeout': string;
}

/** Gateway knobs the checks rely on, given when they differ from the contract defaults: flag -> setting, the GW_* variable it mirrors, parser. */
const KNOBS = [
  { flag: 'fanout-deadline', setting: 'fanoutDeadlineMs', env: 'GW_FANOUT_DEADLINE_MS (e.g. 150ms)', parse: parseDuration },
  { flag: 'upstream-timeout', setting: 'upstreamTimeoutMs', env: 'GW_UPSTREAM_TIMEOUT_MS (e.g. 1s)', parse: parseDuration },
  { flag: 'breaker-failures', setting: 'breakerFailures', env: 'GW_BREAKER_FAILURES', parse: parseCount },
  { flag: 'breaker-cooldown', setting: 'breakerCooldownMs', env: 'GW_BREAKER_COOLDOWN_MS (e.g. 2s)', parse: parseDuration },
  { flag: 'max-body', setting: 'maxBodyBytes', env: 'GW_MAX_BODY_BYTES (e.g. 1MiB)', parse: parseSize },
  { flag: 'max-header', setting: 'maxHeaderBytes', env: 'GW_MAX_HEADER_BYTES (e.g. 16384)', parse: parseSize },
] as const;

/** `gw-bench conformance`: check an implementation against docs/gateway-contract.md. */
export const conformanceCommand: CommandModule<object, ConformanceArgs> = {
  command: 'conformance',
  describe: 'Check a gateway implementation against docs/gateway-contract.md (exit 4 on any failed check)',
  builder: (y) => y
    .option('url', { type: 'string', describe: 'gateway base URL (default http://127.0.0.1:8080); mock upstreams are started on the contract default ports unless --upstream-admin' })
    .option('upstream-admin', { type: 'string', describe: 'use mock upstreams already running (gw-bench upstream) with this admin URL' })
    .option('impl-command', { type: 'string', describe: 'start the implementation with this shell command and the contract env vars (ephemeral upstreams, generated JWT key), stop it afterwards' })
    .option('impl-cwd', { type: 'string', describe: 'working directory for --impl-command' })
    .option('quick', { type: 'boolean', default: false, describe: 'only the pre-measurement subset (healthz, auth-valid, feed, user, interact)' })
    .option('only', { type: 'string', array: true, describe: 'run only these checks (names, comma or space separated)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON instead of PASS/FAIL lines' })
    .option('list', { type: 'boolean', default: false, describe: 'list the checks and exit' })
    .option('jwt-alg', { type: 'string', choices: ['HS256', 'RS256'], describe: 'GW_JWT_ALG of the gateway' })
    .option('jwt-secret', { type: 'string', describe: 'GW_JWT_SECRET of the gateway (HS256)' })
    .option('jwt-private-key-file', { type: 'string', describe: 'RS256: PKCS#8 PEM private key matching the gateway\'s GW_JWT_PUBLIC_KEY_FILE' })
    .option('jwt-issuer', { type: 'string', describe: 'GW_JWT_ISSUER of the gateway' })
    .options(Object.fromEntries(KNOBS.map((k) => [k.flag, { type: 'string', describe: k.env }] as const)))
    .option('ready-timeout', { type: 'string', default: '60s', describe: '--impl-command: how long to wait for GET /healthz' }) as never,
  handler: async (args) => {
    const { runConformance, listChecks, checkLine, summaryLine } = await import('../../harness/conformance/index.js');
    const out = (s: string) => process.stdout.write(`${s}\n`);
    if (args.list) {
      for (const c of listChecks()) out(`${c.name.padEnd(26)} ${c.quick ? '[quick] ' : ''}${c.rule}`);
      return;
    }
    if (args['impl-command'] && (args.url || args['upstream-admin'])) {
      throw new UsageError('--impl-command starts its own gateway and upstreams; do not combine it with --url or --upstream-admin');
    }
    const settings: Record<string, unknown> = {};
    if (args['jwt-alg']) settings.jwtAlg = args['jwt-alg'];
    if (args['jwt-secret'] !== undefined) settings.jwtSecret = args['jwt-secret'];
    if (args['jwt-issuer'] !== undefined) settings.jwtIssuer = args['jwt-issuer'];
    if (args['jwt-private-key-file']) {
      try { settings.jwtPrivateKeyPem = await readFile(args['jwt-private-key-file'], 'utf8'); } catch (err) {
        throw new UsageError(`--jwt-private-key-file: cannot read ${args['jwt-private-key-file']}: ${(err as Error).message}`);
      }
    }
    if (settings.jwtAlg === 'RS256' && !settings.jwtPrivateKeyPem && !args['impl-command']) {
      throw new UsageError('--jwt-alg RS256 needs --jwt-private-key-file (the key the gateway\'s public key belongs to), unless --impl-command generates one');
    }
    for (const k of KNOBS) {
      const v = args[k.flag];
      if (v) settings[k.setting] = k.parse(v, `--${k.flag}`);
    }
    const only = args.only?.flatMap((s) => s.split(/[,\s]+/)).filter(Boolean);

    const report = await runConformance({
      url: args.url,
      upstreamAdmin: args['upstream-admin'],
      implCommand: args['impl-command'],
      implCwd: args['impl-cwd'],
      quick: args.quick,
      only,
      settings,
      readyTimeoutMs: parseDuration(args['ready-timeout'], '--ready-timeout'),
      onCheck: args.json ? undefined : (r) => out(checkLine(r)),
    });
    if (args.json) out(JSON.stringify(report, null, 2));
    else out(summaryLine(report));
    if (!report.ok) {
      const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
      throw new TargetError('GW_ERR_CONFORMANCE', `${report.url} failed ${failed.length} of ${report.checks.length} conformance checks: ${failed.join(', ')}`);
    }
  },
};
