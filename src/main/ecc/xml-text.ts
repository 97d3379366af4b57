// XML's five entities and its character references, decoded in one pass: what the ECC client
// and the simulator need of an XML text, without fast-xml-parser's HTML entities (which are the
// only way it decodes character references, and made every parse several times slower).

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes XML's entities and character references (`&#xE9;`, which gSOAP writes and `soap` decodes); anything else is left as written. */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]+));/g, (whole, hex?: string, decimal?: string, name?: string) => {
    if (name !== undefined) return XML_ENTITIES[name] ?? whole;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
