/**
 * The API reference (typedoc, from the TSDoc in src/) documents every public export: each runtime
 * export of each entry point is in the reference of that entry point, functions have a summary, a
 * description of every parameter, what they return and an example, and classes and constants an
 * example too.
 */
import { readFileSync } from 'node:fs';
import { Application, type JSONOutput, normalizePath, ReflectionKind } from 'typedoc';
import { beforeAll, describe, expect, it } from 'vitest';

const config = JSON.parse(readFileSync(new URL('../typedoc.json', import.meta.url), 'utf8')) as {
  entryPoints: string[];
};

/** The package subpath each typedoc entry point is published as. */
function subpathOf(entryPoint: string): string {
  if (entryPoint === 'src/index.ts') return 'hookflow';
  const name = entryPoint.replace(/^src\/(adapters\/)?/, '').replace(/(\/index)?\.ts$/, '');
  return `hookflow/${name}`;
}

function moduleName(entryPoint: string): string {
  return entryPoint.replace(/^src\//, '').replace(/(\/index)?\.ts$/, '') || 'index';
}

type Reflection = JSONOutput.DeclarationReflection;
const hasText = (comment: JSONOutput.Comment | undefined) =>
  (comment?.summary ?? []).some((part) => part.text.trim() !== '');
const hasTag = (comment: JSONOutput.Comment | undefined, tag: string) =>
  (comment?.blockTags ?? []).some((block) => block.tag === tag);

describe('API reference', () => {
  let modules: Map<string, Reflection[]>;

  beforeAll(async () => {
    const app = await Application.bootstrapWithPlugins({
      entryPoints: config.entryPoints,
      tsconfig: 'tsconfig.json',
      excludePrivate: true,
      excludeInternal: true,
      logLevel: 'Warn',
    });
    const project = await app.convert();
    if (!project) throw new Error('typedoc could not convert the entry points');
    const json = app.serializer.projectToObject(project, normalizePath(process.cwd()));
    modules = new Map(
      (json.children ?? []).map((child) => [child.name, (child.children ?? []) as Reflection[]]),
    );
  }, 120_000);

  it.each(config.entryPoints)('lists every runtime export of %s', async (entryPoint) => {
    const exports = Object.keys(await import(subpathOf(entryPoint)));
    const documented = new Set(modules.get(moduleName(entryPoint))?.map((r) => r.name));
    expect(exports.length).toBeGreaterThan(0);
    expect(exports.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents every function: summary, each parameter, the return value and an example', () => {
    const gaps: string[] = [];
    for (const [module, children] of modules) {
      for (const reflection of children) {
        if (reflection.kind !== ReflectionKind.Function) continue;
        for (const signature of reflection.signatures ?? []) {
          const where = `${module}.${reflection.name}`;
          const comment = signature.comment;
          if (!hasText(comment)) gaps.push(`${where}: summary`);
          for (const parameter of signature.parameters ?? []) {
            if (!hasText(parameter.comment)) gaps.push(`${where}: @param ${parameter.name}`);
          }
          const returnsVoid =
            signature.type?.type === 'intrinsic' && signature.type.name === 'void';
          if (!returnsVoid && !hasTag(comment, '@returns')) gaps.push(`${where}: @returns`);
          if (!hasTag(comment, '@example')) gaps.push(`${where}: @example`);
        }
      }
    }
    expect(gaps).toEqual([]);
  });

  it('gives every class and constant an example, and every export a summary', () => {
    const gaps: string[] = [];
    for (const [module, children] of modules) {
      for (const reflection of children) {
        // Re-exports point at a reflection documented where it is declared.
        if (reflection.kind === ReflectionKind.Reference) continue;
        const where = `${module}.${reflection.name}`;
        const comment = reflection.comment ?? reflection.signatures?.[0]?.comment;
        if (!hasText(comment)) gaps.push(`${where}: summary`);
        const needsExample =
          reflection.kind === ReflectionKind.Class || reflection.kind === ReflectionKind.Variable;
        if (needsExample && !hasTag(comment, '@example')) gaps.push(`${where}: @example`);
      }
    }
    expect(gaps).toEqual([]);
  });
});
