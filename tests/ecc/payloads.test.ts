import { describe, expect, it } from 'vitest';
import { PayloadError, buildConfigId, buildTable, escapeXml, parseConfigIds } from '../../src/main/ecc/payloads';

const link = {
  dataSender: 'CoBo[0]',
  routerName: 'DataRouter0',
  routerAddress: '192.168.41.60',
  routerPort: 46005,
  routerType: 'TCP',
};

describe('building the configID string', () => {
  it('writes the three SubConfigIds as ECC-PROTOCOL.md shows, on one line', () => {
    expect(buildConfigId({ describe: 'cobo0', prepare: 'experiment', configure: 'experiment' })).toBe(
      [
        '<ConfigId>',
        '  <SubConfigId type="describe">cobo0</SubConfigId>',
        '  <SubConfigId type="prepare">experiment</SubConfigId>',
        '  <SubConfigId type="configure">experiment</SubConfigId>',
        '</ConfigId>',
      ]
        .map((line) => line.trim())
        .join(''),
    );
  });

  it('escapes &, <, >, " and \' in names', () => {
    const text = buildConfigId({ describe: `a&b<c>d"e'f`, prepare: 'p', configure: 'c' });
    expect(text).toContain('<SubConfigId type="describe">a&amp;b&lt;c&gt;d&quot;e&apos;f</SubConfigId>');
  });

  it('refuses a non-ASCII name with a message naming the character', () => {
    expect(() => buildConfigId({ describe: 'café', prepare: 'p', configure: 'c' })).toThrow(PayloadError);
    expect(() => buildConfigId({ describe: 'café', prepare: 'p', configure: 'c' })).toThrow(
      /describe config name 'café' contains 'é' \(U\+00E9\): only printable ASCII/,
    );
  });

  it('never writes a SubConfigId without text (the real server would abort)', () => {
    expect(() => buildConfigId({ describe: 'd', prepare: '', configure: 'c' })).toThrow(/prepare config name is empty/);
    expect(() => buildConfigId({ describe: 'd', prepare: 'p', configure: ' c' })).toThrow(/starts or ends with a space/);
    expect(() => buildConfigId({ describe: 'd\n', prepare: 'p', configure: 'c' })).toThrow(/U\+000A/);
  });

  it('refuses a name with a dot, which the server lists but cannot use', () => {
    expect(() => buildConfigId({ describe: 'd', prepare: 'p', configure: 'c.old' })).toThrow(/contains a dot/);
  });
});

describe('building the table string', () => {
  it('writes one DataLink per data source as ECC-PROTOCOL.md shows, on one line', () => {
    expect(buildTable([link, { ...link, dataSender: 'Mutant[master]', routerName: 'DataRouter1', routerPort: 46006 }])).toBe(
      [
        '<DataLinkSet>',
        '  <DataLink>',
        '    <DataSender id="CoBo[0]"/>',
        '    <DataRouter name="DataRouter0" ipAddress="192.168.41.60" port="46005" type="TCP"/>',
        '  </DataLink>',
        '  <DataLink>',
        '    <DataSender id="Mutant[master]"/>',
        '    <DataRouter name="DataRouter1" ipAddress="192.168.41.60" port="46006" type="TCP"/>',
        '  </DataLink>',
        '</DataLinkSet>',
      ]
        .map((line) => line.trim())
        .join(''),
    );
  });

  it('writes an empty set when there are no links', () => {
    expect(buildTable([])).toBe('<DataLinkSet></DataLinkSet>');
  });

  it('escapes &, <, >, " and \' in attribute values', () => {
    const text = buildTable([{ ...link, routerName: `r&<>"'` }]);
    expect(text).toContain('name="r&amp;&lt;&gt;&quot;&apos;"');
  });

  it('refuses non-ASCII values and impossible ports with a clear message', () => {
    expect(() => buildTable([{ ...link, routerName: 'Routeur_é' }])).toThrow(/data router name 'Routeur_é' contains 'é'/);
    expect(() => buildTable([{ ...link, routerPort: 70000 }])).toThrow(/port 70000 is not between 1 and 65535/);
  });

  it('escapes every XML special character and nothing else', () => {
    expect(escapeXml(`plain [0] &<>"'`)).toBe('plain [0] &amp;&lt;&gt;&quot;&apos;');
  });
});

describe('reading the GetConfigIDs listing', () => {
  const entry = (d: string, c: string, p = c) =>
    `<ConfigId><SubConfigId type="describe">${d}</SubConfigId><SubConfigId type="prepare">${p}</SubConfigId>` +
    `<SubConfigId type="configure">${c}</SubConfigId></ConfigId>`;

  it('reads every ConfigId of a ConfigIdSet as the real server writes it', () => {
    const text = `<ConfigIdSet>${entry('cobo0', 'experiment')}${entry('cobo1', 'pulser')}</ConfigIdSet>`;
    expect(parseConfigIds(text)).toEqual({
      sets: [
        { describe: 'cobo0', prepare: 'experiment', configure: 'experiment' },
        { describe: 'cobo1', prepare: 'pulser', configure: 'pulser' },
      ],
      skipped: [],
    });
  });

  it('reads the ConfigIds of a root of any name, with a declaration, comments and indentation', () => {
    const text = `<?xml version="1.0"?>\n<!-- listing -->\n<Whatever a="1">\n  ${entry(' d ', 'c')}\n</Whatever>\n`;
    expect(parseConfigIds(text).sets).toEqual([{ describe: 'd', prepare: 'c', configure: 'c' }]);
  });

  it('reads an empty listing as no config sets', () => {
    expect(parseConfigIds('')).toEqual({ sets: [], skipped: [] });
    expect(parseConfigIds('<ConfigIdSet/>')).toEqual({ sets: [], skipped: [] });
    expect(parseConfigIds('<ConfigIdSet></ConfigIdSet>')).toEqual({ sets: [], skipped: [] });
  });

  it('skips names with & or < (the server does not escape them) and keeps the others', () => {
    const text = `<ConfigIdSet>${entry('a&b', 'c')}${entry('ok', 'c')}${entry('x<y', 'c')}</ConfigIdSet>`;
    const listing = parseConfigIds(text);
    expect(listing.sets).toEqual([{ describe: 'ok', prepare: 'c', configure: 'c' }]);
    expect(listing.skipped).toHaveLength(2);
    expect(listing.skipped[0]).toMatch(/describe name 'a&b' contains '&'/);
    expect(listing.skipped[1]).toMatch(/contains '<'/);
  });

  it('skips an entry that lacks one of the three names', () => {
    const text = '<ConfigIdSet><ConfigId><SubConfigId type="describe">d</SubConfigId></ConfigId></ConfigIdSet>';
    expect(parseConfigIds(text).skipped[0]).toMatch(/no prepare, configure name/);
  });

  it('fails on a SubConfigId of an unknown type or without a type', () => {
    expect(() => parseConfigIds('<S><ConfigId><SubConfigId type="describ">d</SubConfigId></ConfigId></S>')).toThrow(
      /unknown type 'describ'/,
    );
    expect(() => parseConfigIds('<S><ConfigId><SubConfigId>d</SubConfigId></ConfigId></S>')).toThrow(/has no type/);
  });

  it('fails on text that is not XML', () => {
    expect(() => parseConfigIds('Exception: no such folder')).toThrow(/not XML/);
    expect(() => parseConfigIds('<ConfigIdSet><ConfigId>')).toThrow(/not closed/);
  });

  it('does not resolve an external entity: the entry is skipped and the file never read', () => {
    const text =
      '<?xml version="1.0"?><!DOCTYPE ConfigIdSet [<!ENTITY xxe SYSTEM "file:///etc/hostname"><!ENTITY inner "inner">]>' +
      `<ConfigIdSet>${entry('&xxe;', 'c')}${entry('&inner;', 'c')}${entry('fine', 'c')}</ConfigIdSet>`;
    const listing = parseConfigIds(text);
    expect(listing.sets).toEqual([{ describe: 'fine', prepare: 'c', configure: 'c' }]);
    expect(listing.skipped).toHaveLength(2);
    expect(listing.skipped.join('\n')).toContain("'&xxe;'");
  });

  it('accepts a hardware SubConfigId, which the server knows, and leaves it out of the set', () => {
    const text = `<ConfigIdSet><ConfigId><SubConfigId type="hardware">h</SubConfigId>${entry('d', 'c').slice(10)}</ConfigIdSet>`;
    expect(parseConfigIds(text).sets).toEqual([{ describe: 'd', prepare: 'c', configure: 'c' }]);
  });
});
