import { build } from 'esbuild';
const out = process.argv[2]; const extra = JSON.parse(process.argv[3] || '{}');
await build({ bundle: true, platform: 'node', target: 'node20', logLevel: 'warning',
  entryPoints: ['src/cli.ts', 'src/lint/lint-worker.ts', 'src/note/compiled-parser.ts'], splitting: true, format: 'esm', outdir: out, entryNames: '[name]', chunkNames: '[name]-[hash]',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }, ...extra });
