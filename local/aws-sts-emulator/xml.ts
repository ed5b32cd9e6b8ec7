/**
 * Query-protocol XML bodies, shaped like real STS responses. Every value goes through
 * escapeXml: error messages echo request input, and a stray '<' must not become markup.
 */
import type { StsError } from './errors.js';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A tree of elements, written in insertion order; undefined children are left out. */
export interface XmlElement {
  [name: string]: string | number | XmlElement | undefined;
}

export function escapeXml(value: string): string {
  return (
    value
      // Control characters are not allowed in XML 1.0, not even as character references.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: this strips exactly those characters
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&apos;')
  );
}

export function renderElements(element: XmlElement): string {
  let xml = '';
  for (const [name, value] of Object.entries(element)) {
    if (value === undefined) continue;
    const inner = typeof value === 'object' ? renderElements(value) : escapeXml(String(value));
    xml += `<${name}>${inner}</${name}>`;
  }
  return xml;
}

/** `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>…` */
export function successXml(action: string, result: XmlElement, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_XMLNS}">` +
    `<${action}Result>${renderElements(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>\n`
  );
}

export function errorXml(error: StsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${STS_XMLNS}">` +
    renderElements({ Error: { Type: error.type, Code: error.code, Message: error.message } }) +
    `<RequestId>${escapeXml(requestId)}</RequestId>` +
    `</ErrorResponse>\n`
  );
}
