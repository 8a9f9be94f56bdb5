/**
 * A real headless Chromium (Debian package `chromium`) for the HTML report: renders a local
 * file and gives back the DOM after rendering (`--dump-dom`), the page's console messages
 * (Chromium logs them to stderr as `CONSOLE` lines with --enable-logging=stderr), or a PNG
 * screenshot. Each call gets its own profile in a temp dir; network features are off.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';

export const chromiumBinary = process.env.CHROMIUM_BIN ?? 'chromium';

export interface Rendered {
  dom: string;
  /** The page's console messages (errors, CSP violations, logs), one per entry. */
  console: string[];
}

function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'runbook-chromium-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
  ];
  return new Promise((resolve, reject) => {
    execFile(chromiumBinary, [...flags, ...args], { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(new Error(`${chromiumBinary} failed (install the Debian package "chromium"): ${error.message}\n${stderr.slice(-2000)}`));
      else resolve({ stdout, stderr });
    });
  });
}

export async function renderDom(file: string): Promise<Rendered> {
  const { stdout, stderr } = await run(['--dump-dom', pathToFileURL(file).href]);
  return { dom: stdout, console: stderr.split('\n').filter((line) => /:CONSOLE[:(]/.test(line)) };
}

/** A screenshot of the page at `width` × `height`, written to `out` (PNG); `dark`: as a browser in dark mode shows it. */
export async function screenshot(file: string, out: string, options: { width?: number; height?: number; dark?: boolean } = {}): Promise<Buffer> {
  const dark = options.dark ? ['--force-dark-mode', '--blink-settings=preferredColorScheme=0'] : [];
  await run([`--screenshot=${out}`, `--window-size=${options.width ?? 1000},${options.height ?? 900}`, '--hide-scrollbars', ...dark, pathToFileURL(file).href]);
  return readFileSync(out);
}

/**
 * Decodes a PNG (8-bit RGB or RGBA, as Chromium writes them) with node's zlib: its size and
 * how many distinct colours it has (a blank page has one), and the top-left pixel (the page's background).
 */
export function pngColours(png: Buffer): { width: number; height: number; colours: number; corner: [number, number, number] } {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colourType] = [body[8], body[9]];
      if (depth !== 8 || (colourType !== 2 && colourType !== 6)) throw new Error(`PNG bit depth ${depth}, colour type ${colourType}: not decoded here`);
      channels = colourType === 6 ? 4 : 3;
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const previous = Buffer.alloc(stride);
  const line = Buffer.alloc(stride);
  const colours = new Set<number>();
  let corner: [number, number, number] = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels]! : 0;
      const b = previous[x]!;
      const c = x >= channels ? previous[x - channels]! : 0;
      const predictor = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : 0;
      line[x] = (row[x]! + predictor) & 0xff;
    }
    for (let x = 0; x < stride; x += channels) colours.add((line[x]! << 16) | (line[x + 1]! << 8) | line[x + 2]!);
    if (y === 0) corner = [line[0]!, line[1]!, line[2]!];
    line.copy(previous);
  }
  return { width, height, colours: colours.size, corner };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
