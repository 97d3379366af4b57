// The two XML documents the ECC server receives as strings (`configID` and `table`), and the
// config-set listing it returns as a string (GetConfigIDs' Text). ECC-PROTOCOL.md, "Payloads
// carried as strings". Pure functions: used in the main process (building, before a task is
// queued) and in the worker (parsing the listing).
import type { ConfigSetNames, DataLink } from './gateway';

/** A value that cannot be sent to the ECC server; the message is meant for people. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML element content and for attribute values in either kind of quotes. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/**
 * Checks a value sent inside a payload: printable ASCII only (gSOAP servers may run in Latin-1
 * mode), not empty (an empty SubConfigId makes the real server abort), no surrounding blanks.
 */
function checkAscii(what: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new PayloadError(`${what} is empty`);
  const bad = [...value].find((c) => c < ' ' || c > '~');
  if (bad !== undefined) {
    const code = bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    const shown = bad < ' ' || bad === '\x7f' ? `U+${code}` : `'${bad}' (U+${code})`;
    throw new PayloadError(
      `${what} '${value}' contains ${shown}: only printable ASCII characters can be sent to the ECC server`,
    );
  }
  if (value.trim() !== value) throw new PayloadError(`${what} '${value}' starts or ends with a space`);
}

/** The SubConfigId types, in the order the server expects them. */
export const CONFIG_TYPES = ['describe', 'prepare', 'configure'] as const;

/**
 * The `configID` string of Describe, Prepare and Configure for one config set, on one line (the
 * document's layout without the whitespace between elements, which is not significant; a
 * newline would travel as `&#xA;`, which not every reader decodes). Every
 * SubConfigId gets one of the three valid types and a non-empty name (anything else makes the
 * real server abort). Throws PayloadError for a name the server cannot take.
 */
export function buildConfigId(set: ConfigSetNames): string {
  const parts = ['<ConfigId>'];
  for (const type of CONFIG_TYPES) {
    const name = set[type];
    checkAscii(`The ${type} config name`, name);
    if (name.includes('.')) {
      throw new PayloadError(`The ${type} config name '${name}' contains a dot: the ECC server cannot use such a config`);
    }
    parts.push(`<SubConfigId type="${type}">${escapeXml(name)}</SubConfigId>`);
  }
  parts.push('</ConfigId>');
  return parts.join('');
}

/**
 * The `table` string: one DataLink per data source driven by the server, on one line like
 * `configID`. Throws PayloadError for a value the server cannot take.
 */
export function buildTable(links: DataLink[]): string {
  const parts = ['<DataLinkSet>'];
  for (const link of links) {
    checkAscii('The data source name', link.dataSender);
    checkAscii('The data router name', link.routerName);
    checkAscii('The data router address', link.routerAddress);
    checkAscii('The data router connection type', link.routerType);
    if (!Number.isInteger(link.routerPort) || link.routerPort < 1 || link.routerPort > 65535) {
      throw new PayloadError(`The data router port ${String(link.routerPort)} is not between 1 and 65535`);
    }
    parts.push(
      '<DataLink>',
      `<DataSender id="${escapeXml(link.dataSender)}"/>`,
      `<DataRouter name="${escapeXml(link.routerName)}" ipAddress="${escapeXml(link.routerAddress)}"` +
        ` port="${link.routerPort}" type="${escapeXml(link.routerType)}"/>`,
      '</DataLink>',
    );
  }
  parts.push('</DataLinkSet>');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// GetConfigIDs

/** The listing could not be understood at all (as opposed to one entry being unreadable). */
export class ConfigListingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigListingError';
  }
}

export interface ConfigListing {
  sets: ConfigSetNames[];
  /** One line per ConfigId entry that was left out, saying why. */
  skipped: string[];
}

/** Types the real server knows; `hardware` is accepted and not part of a config set. */
const KNOWN_TYPES = new Set<string>([...CONFIG_TYPES, 'hardware']);

function shorten(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * Reads GetConfigIDs' Text: every ConfigId element inside the root element, whatever the root
 * is called. The server does not escape names, so this is not handed to an XML parser as a
 * whole (one name with `&` or `<` would make the whole listing unreadable): each ConfigId is
 * read on its own, and one whose names cannot be read is skipped with a reason. No entity of
 * any kind is expanded (a DOCTYPE is dropped unread), so nothing external is ever resolved.
 *
 * Throws ConfigListingError when the text has no root element, or when a SubConfigId has a type
 * other than describe, prepare, configure or hardware (the server would not produce one).
 */
export function parseConfigIds(text: string): ConfigListing {
  if (typeof text !== 'string') throw new ConfigListingError('The config listing is not text');
  const body = text
    .replace(/^\uFEFF/, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    // A DOCTYPE, with or without an internal subset, is dropped: its entities are never used.
    .replace(/<!DOCTYPE(?:[^[>]*\[[\s\S]*?\]\s*>|[^>]*>)/gi, '')
    .trim();
  if (body === '') return { sets: [], skipped: [] };

  const rootOpen = /^<([A-Za-z_][\w.:-]*)(\s[^>]*)?(\/?)>/.exec(body);
  if (!rootOpen) throw new ConfigListingError(`The config listing is not XML: ${shorten(body)}`);
  const rootName = rootOpen[1]!;
  if (rootOpen[3] === '/') return { sets: [], skipped: [] };
  const closing = `</${rootName}`;
  const end = body.lastIndexOf(closing);
  if (end < rootOpen[0].length || !/^\s*>\s*$/.test(body.slice(end + closing.length))) {
    throw new ConfigListingError(`The config listing's root element <${rootName}> is not closed`);
  }
  const content = body.slice(rootOpen[0].length, end);

  const sets: ConfigSetNames[] = [];
  const skipped: string[] = [];
  const entry = /<ConfigId(?:\s[^>]*)?(\/)?>(?:([\s\S]*?)<\/ConfigId\s*>)?/g;
  for (let m = entry.exec(content); m !== null; m = entry.exec(content)) {
    const inner = m[1] === '/' ? '' : m[2];
    if (inner === undefined) {
      skipped.push(`An entry is not closed: ${shorten(m[0])}`);
      continue;
    }
    const result = readConfigId(inner);
    if ('set' in result) sets.push(result.set);
    else skipped.push(result.reason);
  }
  return { sets, skipped };
}

function readConfigId(inner: string): { set: ConfigSetNames } | { reason: string } {
  const names: Partial<Record<string, string>> = {};
  const problems: string[] = [];
  const sub = /<SubConfigId\b([^>]*?)(\/)?>(?:([\s\S]*?)<\/SubConfigId\s*>)?/g;
  let rest = inner;
  for (let m = sub.exec(inner); m !== null; m = sub.exec(inner)) {
    rest = rest.replace(m[0], '');
    const attributes = m[1] ?? '';
    const typeMatch = /\btype\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attributes);
    const type = typeMatch ? (typeMatch[1] ?? typeMatch[2] ?? '') : undefined;
    if (type === undefined || !KNOWN_TYPES.has(type)) {
      throw new ConfigListingError(
        type === undefined
          ? `A SubConfigId has no type: ${shorten(m[0])}`
          : `A SubConfigId has the unknown type '${shorten(type, 40)}': ${shorten(m[0])}`,
      );
    }
    const raw = m[2] === '/' ? '' : m[3];
    if (raw === undefined) {
      problems.push(`its ${type} entry is not closed`);
      continue;
    }
    const name = raw.trim();
    if (name.includes('<') || name.includes('&')) {
      problems.push(`the ${type} name '${shorten(name, 60)}' contains '${name.includes('&') ? '&' : '<'}', which the server does not escape`);
      continue;
    }
    if (name === '') {
      problems.push(`the ${type} name is empty`);
      continue;
    }
    if (type === 'hardware') continue;
    if (names[type] !== undefined) {
      problems.push(`it has two ${type} names`);
      continue;
    }
    names[type] = name;
  }
  // Left-over markup is what a name with '<' in it leaves behind.
  if (/[<&]/.test(rest) && problems.length === 0) problems.push(`it cannot be read: ${shorten(rest, 60)}`);
  const describe = names.describe;
  const prepare = names.prepare;
  const configure = names.configure;
  if (problems.length === 0) {
    const missing = CONFIG_TYPES.filter((t) => names[t] === undefined);
    if (missing.length > 0) problems.push(`it has no ${missing.join(', ')} name`);
  }
  if (problems.length > 0 || describe === undefined || prepare === undefined || configure === undefined) {
    return { reason: `Skipped the config set ${shorten(inner)}: ${problems.join('; ')}` };
  }
  return { set: { describe, prepare, configure } };
}
