// The simulator's wire format: reading SOAP requests with namespaces resolved, and writing answers
// byte for byte the way the gSOAP-generated ECC server does (ECC-PROTOCOL.md, "On the wire").
import { XMLParser } from 'fast-xml-parser';
import { decodeXmlText } from '../xml-text';

export const SOAP_ENV_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';

/** An XML element with its namespace resolved from the xmlns declarations in scope. */
export interface XmlElement {
  /** The name as written, prefix included. */
  name: string;
  localName: string;
  /** The resolved namespace URI, or null when the element is in no namespace. */
  namespace: string | null;
  /** Attributes by name as written (xmlns declarations included). */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (text and CDATA children joined), child elements left out. */
  text: string;
}

// fast-xml-parser never fetches external entities. Entities and character references (`&#xA;`,
// which the soap package writes for a newline) are decoded as gSOAP decodes them, in one pass
// (xml-text.ts): the parser's own way to decode character references is its HTML entities,
// which made every request cost the simulator several times more processor time.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

type OrderedNode = Record<string, unknown>;

/** Parses a document and returns its root element; throws on anything that is not well-formed XML. */
export function parseXml(xml: string): XmlElement {
  const nodes = parser.parse(xml, true) as OrderedNode[];
  const roots = toElements(nodes, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
  if (roots.elements.length !== 1) throw new Error('The document must have exactly one root element');
  return roots.elements[0] as XmlElement;
}

function toElements(nodes: OrderedNode[], scope: Map<string, string>): { elements: XmlElement[]; text: string } {
  const elements: XmlElement[] = [];
  let text = '';
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node)) {
      if (key === ':@') continue;
      if (key === '#text') {
        text += String(value);
      } else if (key === '#cdata') {
        text += (value as OrderedNode[]).map((n) => String(n['#text'] ?? '')).join('');
      } else if (!key.startsWith('?') && !key.startsWith('!')) {
        elements.push(toElement(key, value as OrderedNode[], (node[':@'] ?? {}) as Record<string, string>, scope));
      }
    }
  }
  return { elements, text };
}

function toElement(
  name: string,
  content: OrderedNode[],
  attributes: Record<string, string>,
  outer: Map<string, string>,
): XmlElement {
  let scope = outer;
  for (const [attribute, value] of Object.entries(attributes)) {
    if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) {
      if (scope === outer) scope = new Map(outer);
      scope.set(attribute === 'xmlns' ? '' : attribute.slice(6), String(value));
    }
  }
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const localName = colon < 0 ? name : name.slice(colon + 1);
  const namespace = scope.get(prefix) || null;
  const inner = toElements(content, scope);
  return { name, localName, namespace, attributes, children: inner.elements, text: inner.text };
}

/** Escapes text for element content and attribute values. */
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes text for element content and double-quoted attribute values (gSOAP leaves `'` as is). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => XML_ESCAPES[c] ?? c);
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"';

/**
 * A gSOAP answer: the response element and every field qualified with the `ecc:` prefix bound to
 * the server's namespace on the Envelope; an empty string written as an empty element.
 */
export function responseEnvelope(
  namespace: string,
  element: 'ResponseState' | 'ResponseText' | 'Response',
  fields: [string, string | number][],
): string {
  const body = fields
    .map(([name, value]) => {
      const text = escapeXml(String(value));
      return text === '' ? `<ecc:${name}/>` : `<ecc:${name}>${text}</ecc:${name}>`;
    })
    .join('');
  return (
    `${ENVELOPE_OPEN} xmlns:ecc="${escapeXml(namespace)}">` +
    `<SOAP-ENV:Body><ecc:${element}>${body}</ecc:${element}></SOAP-ENV:Body></SOAP-ENV:Envelope>\n`
  );
}

/** A SOAP 1.1 fault as gSOAP writes it: faultcode and faultstring unqualified. */
export function faultEnvelope(namespace: string, faultCode: 'SOAP-ENV:Client' | 'SOAP-ENV:Server', faultString: string): string {
  return (
    `${ENVELOPE_OPEN} xmlns:ecc="${escapeXml(namespace)}">` +
    `<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>${faultCode}</faultcode>` +
    `<faultstring>${escapeXml(faultString)}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n`
  );
}
