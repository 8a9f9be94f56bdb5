import { build } from 'esbuild';
await build({ bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', entryPoints: ['src/cli.ts'], format: 'cjs', outfile: '/tmp/st/exp/cjs/cli.cjs',
  plugins: [{ name: 'ext', setup(b) { b.onResolve({ filter: /^\.\/(commands|demo)\/|^\.\/io\.js$/ }, (a) => ({ path: a.path, external: true })); } }] });
