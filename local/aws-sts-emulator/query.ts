/**
 * Query protocol input: `Action=AssumeRole&Version=2011-06-15&Tags.member.1.Key=…`, sent
 * by @aws-sdk/client-sts as a POST form body; GET with the same query string works too.
 */
import { validationError } from './errors.js';

export type QueryParams = ReadonlyMap<string, string>;

/** Merges the URL query and a form body; a parameter given twice is refused, not guessed. */
export function parseQueryParams(rawQuery: string, formBody: string | undefined): QueryParams {
  const params = new Map<string, string>();
  for (const source of [rawQuery, formBody ?? '']) {
    // URLSearchParams decodes form encoding ('+' is a space), which is what the SDK sends.
    for (const [name, value] of new URLSearchParams(source)) {
      if (params.has(name)) throw validationError(`Parameter ${name} was given more than once.`);
      params.set(name, value);
    }
  }
  return params;
}

/**
 * Reads a Query-protocol list `{name}.member.{N}[.{field}]`, ordered by N (1-based, as the
 * SDK numbers them). With fields, each member is a record of those fields.
 */
export function memberList(params: QueryParams, name: string): Map<number, Map<string, string>> {
  const prefix = `${name}.member.`;
  const members = new Map<number, Map<string, string>>();
  for (const [key, value] of params) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const indexText = dot < 0 ? rest : rest.slice(0, dot);
    const field = dot < 0 ? '' : rest.slice(dot + 1);
    if (!/^[1-9]\d{0,3}$/.test(indexText)) throw validationError(`Invalid list parameter ${key}.`);
    const index = Number(indexText);
    const member = members.get(index) ?? new Map<string, string>();
    member.set(field, value);
    members.set(index, member);
  }
  return new Map([...members.entries()].sort(([a], [b]) => a - b));
}

/** The simple list `{name}.member.N` (for example TransitiveTagKeys). */
export function stringList(params: QueryParams, name: string): string[] {
  return [...memberList(params, name).values()].map((member) => member.get('') ?? '');
}

/** The structure list `{name}.member.N.{field}` (Tags: Key/Value, PolicyArns: arn). */
export function structureList(params: QueryParams, name: string, fields: string[]): Record<string, string>[] {
  return [...memberList(params, name).entries()].map(([index, member]) => {
    const record: Record<string, string> = {};
    for (const [field, value] of member) {
      if (!fields.includes(field))
        throw validationError(`Invalid list parameter ${name}.member.${index}.${field}.`);
      record[field] = value;
    }
    return record;
  });
}

/** Parameters that may be recorded for tests: never a signature or a token sent in the query. */
export function recordableParams(params: QueryParams): Record<string, string> {
  // fromEntries defines properties, so a parameter named __proto__ stays a plain key.
  return Object.fromEntries([...params].filter(([name]) => !name.toLowerCase().startsWith('x-amz-')));
}
