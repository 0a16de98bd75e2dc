import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
// Inside the repository, so that `hookflow` resolves like it does for users of the package.
const examplePath = fileURLToPath(new URL('./.readme-example.generated.ts', import.meta.url));

function firstTsBlock(markdown: string): string {
  const match = /^```ts\n([\s\S]*?)^```$/m.exec(markdown);
  if (!match?.[1]) throw new Error('README.md has no ```ts code block');
  return match[1];
}

interface ReadmeExample {
  trigger: { mode: string; close(): Promise<void> };
  paid: Response;
  unpaid: Response;
}

describe('README example', () => {
  let code: string;
  let example: ReadmeExample;

  beforeAll(async () => {
    code = firstTsBlock(await readFile(readmePath, 'utf8'));
    await writeFile(examplePath, code);
    example = (await import(/* @vite-ignore */ pathToFileURL(examplePath).href)) as ReadmeExample;
  });

  afterAll(async () => {
    await example?.trigger.close();
    await rm(examplePath, { force: true });
  });

  it('fits the first screen (at most 15 lines) and imports from hookflow', () => {
    expect(code.trimEnd().split('\n').length).toBeLessThanOrEqual(15);
    expect(code).toContain("from 'hookflow'");
  });

  it('creates a sync trigger', () => {
    expect(example.trigger.mode).toBe('sync');
  });

  it('answers 200 { ok: true } for a paid delivery', async () => {
    expect(example.paid.status).toBe(200);
    expect(example.paid.headers.get('content-type')).toBe('application/json');
    expect(await example.paid.json()).toEqual({ ok: true });
  });

  it('answers 400 { ok: false } for any other status', async () => {
    expect(example.unpaid.status).toBe(400);
    expect(await example.unpaid.json()).toEqual({ ok: false });
  });

  it('type-checks under the project tsconfig', { timeout: 60_000 }, () => {
    const configPath = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
    const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(
      config,
      ts.sys,
      fileURLToPath(new URL('..', import.meta.url)),
    );
    const program = ts.createProgram([examplePath], { ...options, noEmit: true });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
