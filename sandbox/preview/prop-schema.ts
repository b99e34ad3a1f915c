/**
 * What Jira accepts of each UI Kit component, read from the types `@forge/react` publishes (each export is typed by
 * `@atlaskit/forge-react-types`): the prop names, which are required, and what kind of value each takes. The preview
 * adapter checks every rendered element against it, so that the preview refuses what Jira would.
 */
import * as path from 'node:path';
import ts from 'typescript';

/** The kinds of value a prop may take ('any' when the type says nothing checkable). */
export type ValueKind = 'string' | 'number' | 'boolean' | 'function' | 'object' | 'array' | 'null' | 'any';

/** One prop of a component. */
export interface PropRule {
  required: boolean;
  /** The kinds of value the type allows. */
  kinds: ValueKind[];
  /** When the type is a union of string literals only: the allowed strings. */
  literals?: string[];
}

/** Each UI Kit component's props, by the name `@forge/react` exports it under. */
export type PropSchema = Record<string, Record<string, PropRule>>;

/** Exports of `@forge/react` that are not components (hooks, helpers, the reconciler). */
const NOT_COMPONENTS = new Set(['default', 'xcss', 'replaceUnsupportedDocumentNodes']);

function kindsOf(type: ts.Type, checker: ts.TypeChecker, depth = 0): { kinds: Set<ValueKind>; literals: Set<string>; plainString: boolean } {
  const kinds = new Set<ValueKind>();
  const literals = new Set<string>();
  let plainString = false;
  const visit = (t: ts.Type, d: number): void => {
    const f = t.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter) || d > 6) return void kinds.add('any');
    if (t.isUnion()) return t.types.forEach((u) => visit(u, d + 1));
    if (t.isIntersection()) {
      // A branded string ("string & {}") is still a string.
      const prim = t.types.find((u) => u.flags & (ts.TypeFlags.String | ts.TypeFlags.Number));
      if (prim) return visit(prim, d + 1);
      kinds.add(t.getCallSignatures().length > 0 ? 'function' : 'object');
      return;
    }
    if (f & ts.TypeFlags.StringLiteral) {
      kinds.add('string');
      literals.add((t as ts.StringLiteralType).value);
      return;
    }
    if (f & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) {
      kinds.add('string');
      plainString = true;
      return;
    }
    if (f & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return void kinds.add('number');
    if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return void kinds.add('boolean');
    if (f & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return void kinds.add('null');
    if (f & ts.TypeFlags.Never) return;
    if (t.getCallSignatures().length > 0 || t.getConstructSignatures().length > 0) return void kinds.add('function');
    if (checker.isArrayType(t) || checker.isTupleType(t)) return void kinds.add('array');
    const name = t.getSymbol()?.getName() ?? t.aliasSymbol?.getName();
    // React nodes and elements may be anything renderable.
    if (name && /^(ReactElement|ReactNode|ReactPortal|Element|ForgeElement|JSXElementConstructor)$/.test(name)) return void kinds.add('any');
    kinds.add('object');
  };
  visit(type, depth);
  return { kinds, literals, plainString };
}

/** Reads the prop schema of every component `@forge/react` exports (a few seconds: it runs the type checker). */
export function readPropSchema(root = process.cwd()): PropSchema {
  const entry = path.join(root, 'sandbox', 'preview', '.schema-entry.ts');
  const source = "import * as UIKit from '@forge/react';\nexport type Kit = typeof UIKit;\nexport const kit: Kit = UIKit;\n";
  const host = ts.createCompilerHost({});
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (path.resolve(file) === entry ? source : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => path.resolve(file) === entry || fileExists(file);
  const program = ts.createProgram({
    rootNames: [entry],
    options: { strict: true, jsx: ts.JsxEmit.ReactJSX, moduleResolution: ts.ModuleResolutionKind.Node10, skipLibCheck: true, noEmit: true, esModuleInterop: true, types: [] },
    host,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry);
  if (!file) throw new Error('prop schema: could not read the entry');
  const moduleSymbol = checker.getSymbolAtLocation((file.statements[0] as ts.ImportDeclaration).moduleSpecifier);
  if (!moduleSymbol) throw new Error('prop schema: @forge/react did not resolve');
  const schema: PropSchema = {};
  for (const exp of checker.getExportsOfModule(moduleSymbol)) {
    const name = exp.getName();
    if (NOT_COMPONENTS.has(name) || !/^[A-Z]/.test(name)) continue;
    const symbol = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    if (!(symbol.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Function))) continue;
    const type = checker.getTypeOfSymbol(symbol);
    const signature = type.getCallSignatures()[0];
    if (!signature) continue;
    const param = signature.getParameters()[0];
    const rules: Record<string, PropRule> = {};
    if (param) {
      const propsType = checker.getTypeOfSymbol(param);
      // A union of prop shapes (CheckboxGroup's macro and UI Kit forms) accepts a prop of any member.
      const members = propsType.isUnion() ? propsType.types : [propsType];
      for (const member of members) {
        for (const prop of checker.getPropertiesOfType(member)) {
          const propType = checker.getTypeOfSymbol(prop);
          const { kinds, literals, plainString } = kindsOf(propType, checker);
          const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0 || members.length > 1;
          const prev = rules[prop.getName()];
          const allKinds = new Set<ValueKind>([...(prev?.kinds ?? []), ...kinds]);
          const literalOnly = !plainString && literals.size > 0 && !allKinds.has('any') && (!prev || prev.literals !== undefined);
          rules[prop.getName()] = {
            required: !optional && (prev?.required ?? true),
            kinds: [...allKinds],
            ...(literalOnly ? { literals: [...new Set([...(prev?.literals ?? []), ...literals])] } : {}),
          };
        }
      }
    }
    schema[name] = rules;
  }
  return schema;
}
