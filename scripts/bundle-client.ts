/**
 * The runtime helper as the package ships it: `dist/lib/client/index.js` is one minified CommonJS
 * file made by esbuild from lib/client/ and the value type it reads (lib/connection-environment.ts),
 * instead of tsc's file per module, with its source map (`index.js.map`, sources included). An
 * application bundles it again (`NodejsFunction`) and pays for every byte it gets: tsc's output of
 * the helper comes to about 43 kB in a NodejsFunction bundle, this one to about 29 kB (esbuild
 * prints the code again unless told to minify, so only the shorter local names and the removed
 * comments remain of the minification). The exported names, and the messages, are unchanged.
 * Packages stay external (`require`d on first use: the Secrets Manager client, the AWS SDK's
 * credential chain). The declarations stay tsc's.
 *
 *   tsx scripts/bundle-client.ts [OUTFILE]   (default: dist/lib/client/index.js; `npm run build` runs it)
 */
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..');

/** Writes the shipped client to `outfile` (and its source map next to it). */
export function bundleClient(outfile: string): void {
  buildSync({
    entryPoints: [path.join(ROOT, 'lib', 'client', 'index.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    // package.json's engines: Node.js 20 and later.
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    logLevel: 'error',
  });
}

if (require.main === module) {
  bundleClient(path.resolve(process.argv[2] ?? path.join(ROOT, 'dist', 'lib', 'client', 'index.js')));
}
