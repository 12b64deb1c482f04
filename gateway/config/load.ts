import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { inputProblemLines, parseYamlInput, YamlInputError } from '../../core/problems/yaml-input.js';
import { DEFAULT_RAW_CONFIG } from './defaults.js';
import { rawConfigFromEnv } from './env.js';
import type { GatewayConfig } from './types.js';
import { rawFeaturesFromEnv, validateGatewayConfig } from './features.js';

type Obj = Record<string, unknown>;

export interface ConfigSources {
  /** Environment to read the contract's GW_* variables from (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Optional YAML file merged over the environment. */
  readonly file?: string | null;
  /** Raw values merged last (CLI flags, tests). Same shape as the YAML file. */
  readonly overrides?: Obj;
  /** The etcd layer (config/etcd-source.ts): merged over the file, under the overrides. */
  readonly etcdLayer?: Obj | null;
}

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of mappings; lists and scalars from `over` replace `base`. */
export function mergeRaw(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeRaw(out[k] as Obj, v) : v;
  }
  return out;
}

/** Read and parse a YAML config file into a raw mapping (ConfigError on I/O or syntax errors). */
export function readYamlConfig(file: string): Obj {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot be read (${(err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = parseYamlInput(text, file, 'a gateway config', { allowEmpty: true }).data;
  } catch (err) {
    if (!(err instanceof YamlInputError)) throw err;
    throw new ConfigError(err.message, inputProblemLines(err));
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new ConfigError(`${file}: top level must be a mapping, got ${Array.isArray(doc) ? 'a list' : typeof doc}`);
  return doc;
}

/** Build the gateway config: defaults < env (contract §1) < YAML file < overrides; validated once, frozen. */
export function loadConfig(sources: ConfigSources = {}): GatewayConfig {
  const env = sources.env ?? process.env;
  let raw: Obj = mergeRaw(mergeRaw(DEFAULT_RAW_CONFIG as unknown as Obj, rawConfigFromEnv(env)), rawFeaturesFromEnv(env));
  if (sources.file) raw = mergeRaw(raw, readYamlConfig(sources.file));
  if (sources.etcdLayer) raw = mergeRaw(raw, sources.etcdLayer);
  if (sources.overrides) raw = mergeRaw(raw, sources.overrides);
  return validateGatewayConfig(raw, sources.file ?? 'configuration');
}
