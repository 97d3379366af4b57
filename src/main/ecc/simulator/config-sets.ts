// What the simulated ECC server knows about config sets and data links: the names it lists
// (GetConfigIDs), how it reads the `configID` and `table` strings of a step, and the messages it
// fails with, as the real server's ConfigManager does (ECC-PROTOCOL.md, "Payloads").
import { readdirSync } from 'node:fs';
import { parseXml, type XmlElement } from './wire';

export interface ConfigNames {
  describe: string[];
  /** Also the prepare names: the real server pairs prepare with configure. */
  configure: string[];
}

const CONFIG_FILE = /^(describe|configure)-(.+)\.(xcfg|xml)$/;

/** The names found in a config folder (`describe-NAME.xcfg`, `configure-NAME.xcfg`, or `.xml`). */
export function readConfigFolder(folder: string): ConfigNames {
  const names: ConfigNames = { describe: [], configure: [] };
  for (const file of readdirSync(folder)) {
    const match = CONFIG_FILE.exec(file);
    if (!match) continue;
    const list = match[1] === 'describe' ? names.describe : names.configure;
    const name = match[2] as string;
    if (!list.includes(name)) list.push(name);
  }
  return names;
}

/**
 * The GetConfigIDs text: every describe name with every configure name, sorted, no XML
 * declaration, and the names NOT escaped, exactly like the real server (a client must cope).
 */
export function configIdSetText(names: ConfigNames): string {
  const pairs: [string, string][] = [];
  for (const d of [...names.describe].sort()) {
    for (const c of [...names.configure].sort()) pairs.push([d, c]);
  }
  const ids = pairs.map(
    ([d, c]) =>
      `<ConfigId><SubConfigId type="describe">${d}</SubConfigId><SubConfigId type="prepare">${c}</SubConfigId>` +
      `<SubConfigId type="configure">${c}</SubConfigId></ConfigId>`,
  );
  return `<ConfigIdSet>${ids.join('')}</ConfigIdSet>`;
}

export const SUB_CONFIG_TYPES = ['describe', 'prepare', 'configure', 'hardware'] as const;
export type SubConfigType = (typeof SUB_CONFIG_TYPES)[number];

export type ConfigIdReading =
  | { ok: true; names: Partial<Record<SubConfigType, string>> }
  /** Refused with `Configuration identifier '…' is not valid.` */
  | { ok: false; crashRisk: false }
  /** A SubConfigId that makes the real server abort: the simulator reports it loudly. */
  | { ok: false; crashRisk: true; problem: string };

/** Reads a `configID` string as the server does; whitespace between elements does not matter. */
export function readConfigId(configId: string): ConfigIdReading {
  let root: XmlElement;
  try {
    root = parseXml(configId);
  } catch {
    return { ok: false, crashRisk: false };
  }
  if (root.localName !== 'ConfigId' || root.namespace !== null) return { ok: false, crashRisk: false };
  const names: Partial<Record<SubConfigType, string>> = {};
  for (const sub of root.children) {
    if (sub.name !== 'SubConfigId') continue;
    const type = sub.attributes['type'];
    if (type === undefined) return { ok: false, crashRisk: true, problem: 'a SubConfigId without a type' };
    if (!(SUB_CONFIG_TYPES as readonly string[]).includes(type)) {
      return { ok: false, crashRisk: true, problem: `a SubConfigId of unknown type '${type}'` };
    }
    const name = sub.text.trim();
    if (name === '') return { ok: false, crashRisk: true, problem: `a SubConfigId of type '${type}' without text` };
    names[type as SubConfigType] = name;
  }
  if (!names.describe || !names.prepare || !names.configure) return { ok: false, crashRisk: false };
  return { ok: true, names };
}

export function invalidConfigIdMessage(configId: string): string {
  return `Configuration identifier '${configId}' is not valid.`;
}

export function unknownConfigMessage(name: string): string {
  return `Exception: Configuration '${name}' does not exist.`;
}

/** Whether the server can use a config name: listed, and (like the real server) without a dot. */
export function knowsConfig(list: readonly string[], name: string): boolean {
  return list.includes(name) && !name.includes('.');
}

/** The data senders that have a complete data link in a `table` string (none if it is unreadable). */
export function linkedDataSenders(table: string): string[] {
  let root: XmlElement;
  try {
    root = parseXml(table);
  } catch {
    return [];
  }
  if (root.localName !== 'DataLinkSet') return [];
  const senders: string[] = [];
  for (const link of root.children) {
    if (link.localName !== 'DataLink') continue;
    const sender = link.children.find((c) => c.localName === 'DataSender')?.attributes['id'];
    const router = link.children.find((c) => c.localName === 'DataRouter');
    const complete =
      router !== undefined &&
      ['name', 'ipAddress', 'port', 'type'].every((a) => (router.attributes[a] ?? '').trim() !== '') &&
      /^\d+$/.test(router.attributes['port'] ?? '');
    if (sender && complete) senders.push(sender);
  }
  return senders;
}

export function missingDataRouterMessage(dataSender: string): string {
  return `Could not find a valid data router for data sender '${dataSender}'`;
}
