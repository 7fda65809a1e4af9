/**
 * A strict reader of Godot's text resource format (`.tres`, format=3), enough to prove a file is
 * well-formed: section headers, `key = value` properties whose values may span lines, balanced
 * brackets and closed strings, every ExtResource/SubResource reference declared before use, and
 * `load_steps` matching the resources.
 */
export interface GodotSection {
  kind: string;
  attrs: Record<string, string>;
  props: Array<[string, string]>;
}

export function parseGodotResource(text: string): GodotSection[] {
  const sections: GodotSection[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const header = /^\[(\w+)((?:\s+\w+=(?:"[^"]*"|[^\s\]]+))*)\]$/.exec(line);
    if (header) {
      const attrs: Record<string, string> = {};
      for (const m of header[2]!.matchAll(/(\w+)=("([^"]*)"|[^\s\]]+)/g)) attrs[m[1]!] = m[3] ?? m[2]!;
      sections.push({ kind: header[1]!, attrs, props: [] });
      i++;
      continue;
    }
    const prop = /^([\w/:]+) = (.*)$/.exec(line);
    if (!prop || sections.length === 0) throw new Error(`line ${i + 1}: not a header or property: ${line}`);
    let value = prop[2]!;
    i++;
    while (!balanced(value)) {
      if (i >= lines.length) throw new Error(`property ${prop[1]} never closes`);
      value += `\n${lines[i]!}`;
      i++;
    }
    sections.at(-1)!.props.push([prop[1]!, value]);
  }
  checkReferences(sections);
  return sections;
}

function balanced(value: string): boolean {
  let depth = 0;
  let inString = false;
  for (let k = 0; k < value.length; k++) {
    const c = value[k]!;
    if (inString) {
      if (c === '\\') k++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if ('[{('.includes(c)) depth++;
    else if (']})'.includes(c)) depth--;
    if (depth < 0) throw new Error(`unbalanced closing ${c} in ${value.slice(0, 80)}`);
  }
  return depth === 0 && !inString;
}

function checkReferences(sections: GodotSection[]): void {
  const head = sections[0];
  if (!head || head.kind !== 'gd_resource') throw new Error('a .tres starts with [gd_resource ...]');
  if (head.attrs.format !== '3') throw new Error('expected format=3 (Godot 4)');
  const declared = { ExtResource: new Set<string>(), SubResource: new Set<string>() };
  for (const s of sections.slice(1)) {
    for (const [, value] of s.props) {
      for (const m of value.matchAll(/(ExtResource|SubResource)\("([^"]+)"\)/g)) {
        if (!declared[m[1] as 'ExtResource' | 'SubResource'].has(m[2]!)) throw new Error(`${m[1]}("${m[2]}") is used before it is declared`);
      }
    }
    if (s.kind === 'ext_resource') declared.ExtResource.add(s.attrs.id!);
    else if (s.kind === 'sub_resource') declared.SubResource.add(s.attrs.id!);
    else if (s.kind !== 'resource') throw new Error(`unknown section [${s.kind}]`);
  }
  const steps = declared.ExtResource.size + declared.SubResource.size + 1;
  if (head.attrs.load_steps !== undefined && Number(head.attrs.load_steps) !== steps) {
    throw new Error(`load_steps=${head.attrs.load_steps} but there are ${steps - 1} resources`);
  }
  if (sections.at(-1)!.kind !== 'resource') throw new Error('the [resource] section comes last');
}

/** A Godot value (arrays, dictionaries, strings, numbers, references) as JSON. */
export function godotValueToJson(value: string): unknown {
  const json = value
    .replace(/&"/g, '"')
    .replace(/(ExtResource|SubResource)\("([^"]+)"\)/g, '"$1:$2"')
    .replace(/(Rect2|Vector2i|Color)\(([^)]*)\)/g, '"$1($2)"');
  return JSON.parse(json);
}
